/// One atomic append: 1…N events with consecutive seqs, when, who, why, the
/// client's retry key, and the hash of the commit before it.
public struct Commit: Hashable, Sendable {
    public var firstSeq: Int64
    public var at: Timestamp
    public var actor: String
    public var reason: String?
    public var idempotencyKey: String?
    public var events: [Event]
    /// Lowercase hex SHA-256 of the previous commit (`CommitCodec.genesisHash` for the first).
    public var previousHash: String
    /// With an idempotency key: a digest of the request, so a retry with
    /// the same key but another request is told apart…
    public var requestDigest: String?
    /// …and the answer the first request got, so every retry gets it too,
    /// for the life of the ledger (it is rebuilt from the log like the rest).
    public var response: JSONValue?

    public init(firstSeq: Int64, at: Timestamp, actor: String, reason: String?, idempotencyKey: String?,
                events: [Event], previousHash: String, requestDigest: String? = nil, response: JSONValue? = nil) {
        self.firstSeq = firstSeq
        self.at = at
        self.actor = actor
        self.reason = reason
        self.idempotencyKey = idempotencyKey
        self.events = events
        self.previousHash = previousHash
        self.requestDigest = requestDigest
        self.response = response
    }

    public var lastSeq: Int64 { firstSeq + Int64(events.count) - 1 }
}
