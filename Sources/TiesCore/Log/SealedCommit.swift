/// A commit with its exact log line and its hash.
public struct SealedCommit: Sendable {
    public let commit: Commit
    /// The line as stored, including the final `\n`.
    public let line: [UInt8]
    /// Lowercase hex SHA-256 of the line up to the `,"hash":` member.
    public let hash: String
    /// Where each event's JSON object lies in `line`, when it was just
    /// sealed: the projection stores those bytes instead of encoding again.
    public let eventRanges: [Range<Int>]?

    init(commit: Commit, line: [UInt8], hash: String, eventRanges: [Range<Int>]? = nil) {
        self.commit = commit
        self.line = line
        self.hash = hash
        self.eventRanges = eventRanges
    }

    /// The same commit with each event's place in its line found (a commit
    /// read back from the log does not know them; see
    /// `CommitCodec.eventRanges(of:in:)`, which leaves them nil for a line
    /// not in the canonical encoding).
    public func locatingEvents() -> SealedCommit {
        guard eventRanges == nil else { return self }
        return SealedCommit(commit: commit, line: line, hash: hash, eventRanges: CommitCodec.eventRanges(of: commit, in: line))
    }
}
