import TiesCore

/// Where the projection stands relative to the log.
struct ProjectionHead: Equatable {
    var seq: Int64 = 0
    var hash: String = CommitCodec.genesisHash
    var logEndOffset: Int64 = 0
    /// Offset of the last applied commit's line, to re-check it on open.
    var lastCommitOffset: Int64 = 0
    var lastAt: Timestamp?
}
