import TiesCore

/// A commit read back from the log, with where it starts.
public struct ScannedCommit: Sendable {
    public let sealed: SealedCommit
    public let offset: Int64
    public var commit: Commit { sealed.commit }
    public var endOffset: Int64 { offset + Int64(sealed.line.count) }
}
