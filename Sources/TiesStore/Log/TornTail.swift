import TiesCore

/// Bytes after the last good commit that are not a commit: a write that a
/// crash cut short. Never acknowledged, so safe to cut off.
public struct TornTail: Sendable, Equatable {
    public let offset: Int64
    public let byteCount: Int64
}
