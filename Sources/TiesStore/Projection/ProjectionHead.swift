import TiesCore

/// Where the projection stands relative to the log.
struct ProjectionHead: Equatable {
    var seq: Int64 = 0
    var hash: String = CommitCodec.genesisHash
    var logEndOffset: Int64 = 0
    /// Offset of the last applied commit's line, to re-check it on open.
    var lastCommitOffset: Int64 = 0
    /// The time of the last line applied, a receipt's too: the floor of
    /// the next commit's clock.
    var lastAt: Timestamp?
    /// The time of the last commit with events: "now" for as-of answers,
    /// `lastCommitAt` in stats (a receipt is no commit of state).
    var lastCommitAt: Timestamp?
}
