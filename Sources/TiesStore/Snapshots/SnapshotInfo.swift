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
    /// The projection schema version of a snapshot written by another
    /// version of Ties: not damaged, but not used (the log is replayed
    /// instead, and the next snapshot replaces it).
    public var otherSchemaVersion: Int64?

    public var isValid: Bool { problem == nil }
    /// Written by another version of Ties rather than damaged.
    public var isOtherVersion: Bool { otherSchemaVersion != nil }
}
