/// One atomic append: 1…N events with consecutive seqs, when, who, why, the
/// client's retry key, and the hash of the commit before it. A keyed request
/// that changed nothing appends a **receipt**: a commit with no events (so
/// no seq: `firstSeq` is the next seq, `lastSeq` the head), its key, digest
/// and results, so that its key holds for the life of the ledger.
public struct Commit: Hashable, Sendable {
    public var firstSeq: Int64
    public var at: Timestamp
    public var actor: String
    /// Who submitted the commit when it acts for `actor`: the API key of an
    /// HTTP write, the OS user of a CLI write. Nil in commits of earlier versions.
    public var principal: String?
    public var reason: String?
    public var idempotencyKey: String?
    public var events: [Event]
    /// Lowercase hex SHA-256 of the previous commit (`CommitCodec.genesisHash` for the first).
    public var previousHash: String
    /// With an idempotency key: a digest of the request, so a retry with
    /// the same key but another request is told apart…
    public var requestDigest: String?
    /// …and what each operation of the first request did, so every retry
    /// is answered from it, for the life of the ledger.
    public var results: [OperationResult]?
    /// The rendered answer that keyed lines of earlier versions kept
    /// instead of `results`; read, never written by today's code.
    public var legacyResponse: JSONValue?

    public init(firstSeq: Int64, at: Timestamp, actor: String, principal: String? = nil, reason: String?, idempotencyKey: String?,
                events: [Event], previousHash: String, requestDigest: String? = nil,
                results: [OperationResult]? = nil, legacyResponse: JSONValue? = nil) {
        self.firstSeq = firstSeq
        self.at = at
        self.actor = actor
        self.principal = principal
        self.reason = reason
        self.idempotencyKey = idempotencyKey
        self.events = events
        self.previousHash = previousHash
        self.requestDigest = requestDigest
        self.results = results
        self.legacyResponse = legacyResponse
    }

    public var lastSeq: Int64 { firstSeq + Int64(events.count) - 1 }

    /// A keyed request's record that appended no event.
    public var isReceipt: Bool { events.isEmpty }
}
