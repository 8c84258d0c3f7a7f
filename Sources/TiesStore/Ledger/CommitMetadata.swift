import TiesCore
import TiesSystem

/// Who is writing and why: stored in every commit.
public struct CommitMetadata: Sendable, Equatable {
    public var actor: String
    public var reason: String?
    public var idempotencyKey: String?

    public init(actor: String, reason: String? = nil, idempotencyKey: String? = nil) {
        self.actor = actor
        self.reason = reason
        self.idempotencyKey = idempotencyKey
    }

    /// The OS user, the CLI's default actor.
    public static var osUser: String { CurrentProcess.userName() }
}
