import TiesCore

/// A snapshot file and what checking it found.
public struct SnapshotInfo: Sendable, Equatable {
    public var path: String
    public var seq: Int64
    public var bytes: Int64
    public var takenAt: Timestamp?
    public var headHash: String?
    public var stateDigest: String?
    /// Why the snapshot cannot be trusted; nil when every check passed.
    public var problem: String?

    public var isValid: Bool { problem == nil }
}
