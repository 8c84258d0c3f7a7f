import TiesCore

/// What `ties verify` checked and found.
public struct VerifyReport: Sendable {
    public var logBytes: Int64 = 0
    public var commits = 0
    public var events: Int64 = 0
    public var headSeq: Int64 = 0
    public var headHash = CommitCodec.genesisHash
    public var snapshots: [SnapshotInfo] = []
    /// The projection's seq and digest, and the digest of a fresh replay of
    /// the log to that seq (nil when there is no projection to compare).
    public var projectionSeq: Int64?
    public var projectionDigest: String?
    public var replayDigest: String?
    public var problems: [VerifyProblem] = []

    public var isIntact: Bool { problems.isEmpty }
}
