/// Keys of the `meta` table.
enum MetaKey {
    static let appliedSeq = "applied_seq"
    static let headHash = "head_hash"
    static let logEndOffset = "log_end_offset"
    static let lastCommitOffset = "last_commit_offset"
    static let lastAt = "last_at"
    /// -1 when no commit with events is applied; absent in projections
    /// written before receipts, whose `last_at` is a commit's.
    static let lastCommitAt = "last_commit_at"
    /// How far the log was applied when the WAL last started over: the file
    /// alone is never older (see `ProjectionFileAlone`). Absent in files
    /// written before it.
    static let walBase = "wal_base"
    /// The seq of the last erasure after which the whole file was
    /// rewritten (`Projection.rewriteAfterErasure`); absent: never.
    static let rewrittenAfterErasure = "rewritten_after_erasure"
    /// Snapshot stamps (absent in a live projection).
    static let stateDigest = "state_digest"
    static let takenAt = "taken_at"
}
