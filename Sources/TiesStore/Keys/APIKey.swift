import Synchronization
import TiesCore
import TiesSystem

/// An API key as stored: never the key itself, only its SHA-256.
public struct APIKey: Sendable, Equatable {
    public var name: String
    public var role: KeyRole
    public var sha256: String
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?
    /// The key's own rate limits, each overriding config.json's default.
    public var rateLimits = RateLimits()

    /// `rateLimits` only when the key has one, so the records of keys
    /// without them read exactly as before.
    public var jsonValue: JSONValue {
        var fields: [String: JSONValue] = [
            "name": .string(name), "role": .string(role.rawValue), "sha256": .string(sha256),
            "createdAt": .string(createdAt.description), "revokedAt": revokedAt.map { .string($0.description) } ?? .null,
        ]
        if !rateLimits.isEmpty { fields["rateLimits"] = rateLimits.jsonValue }
        return .object(fields)
    }
}
