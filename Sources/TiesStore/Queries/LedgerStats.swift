import TiesCore

/// Counts, sizes and the head of the ledger.
public struct LedgerStats: Sendable, Equatable {
    public var headSeq: Int64
    public var headHash: String
    public var lastCommitAt: Timestamp?
    public var commits: Int64
    public var objectTypes: Int64
    public var relationshipTypes: Int64
    public var currentLinks: Int64
    public var linkVersions: Int64
    public var logBytes: Int64
    public var projectionBytes: Int64
    /// The seq of the newest snapshot file (not checked here; `ties snapshots` checks).
    public var lastSnapshotSeq: Int64?
}
