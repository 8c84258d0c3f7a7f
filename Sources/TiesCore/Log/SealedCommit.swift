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
}
