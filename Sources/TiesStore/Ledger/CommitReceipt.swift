import TiesCore
import TiesSystem

/// What a commit did: one result per operation, and the seqs it appended
/// (nil when every operation was a no-op and nothing was appended).
public struct CommitReceipt: Sendable, Equatable {
    public var results: [OperationResult]
    public var firstSeq: Int64?
    public var lastSeq: Int64?
    public var at: Timestamp?
    public var hash: String?
    /// The answer remembered for an idempotency key (rendered by the request's `respond`).
    public var response: JSONValue?
    /// True when this is a retry answered from the first attempt; nothing was appended.
    public var replayed = false

    public init(results: [OperationResult], firstSeq: Int64? = nil, lastSeq: Int64? = nil, at: Timestamp? = nil,
                hash: String? = nil, response: JSONValue? = nil, replayed: Bool = false) {
        self.results = results
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.at = at
        self.hash = hash
        self.response = response
        self.replayed = replayed
    }
}
