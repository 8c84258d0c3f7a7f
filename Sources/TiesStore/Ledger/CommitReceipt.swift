import TiesCore
import TiesSystem

/// What a commit did: one result per operation, and the seqs it appended
/// (nil when every operation was a no-op and nothing was appended). A retry
/// of a keyed request gets the first attempt's receipt back, `replayed`:
/// the store owns this value, and each edge (CLI, HTTP) renders it, first
/// answers and replays alike.
public struct CommitReceipt: Sendable, Equatable {
    public var results: [OperationResult]
    public var firstSeq: Int64?
    public var lastSeq: Int64?
    public var at: Timestamp?
    /// The hash of the line appended: the commit's, or a keyed no-op's
    /// receipt's (which has no seqs); nil when nothing was appended.
    public var hash: String?
    /// For a retry of a request that a format-1 line recorded: the answer
    /// it was given then, rendered as it was (status and body), to send again.
    public var legacyResponse: JSONValue?
    /// True when this is a retry answered from the first attempt; nothing was appended.
    public var replayed = false

    public init(results: [OperationResult], firstSeq: Int64? = nil, lastSeq: Int64? = nil, at: Timestamp? = nil,
                hash: String? = nil, legacyResponse: JSONValue? = nil, replayed: Bool = false) {
        self.results = results
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.at = at
        self.hash = hash
        self.legacyResponse = legacyResponse
        self.replayed = replayed
    }
}
