import TiesCore
import TiesSystem

/// Who is writing and why: stored in every commit.
public struct CommitMetadata: Sendable, Equatable {
    public var actor: String
    /// Who submits it, when that is known and may differ from `actor`: the
    /// API key's name over HTTP, the OS user on the CLI.
    public var principal: String?
    public var reason: String?
    public var idempotencyKey: String?

    public init(actor: String, principal: String? = nil, reason: String? = nil, idempotencyKey: String? = nil) {
        self.actor = actor
        self.principal = principal
        self.reason = reason
        self.idempotencyKey = idempotencyKey
    }

    /// The OS user, the CLI's default actor.
    public static var osUser: String { CurrentProcess.userName() }
}
