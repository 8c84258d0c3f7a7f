import TiesCore

/// What an idempotency key remembers: which request used it (its digest)
/// and what that first attempt did, so a retry is answered from it.
struct IdempotencyRecord {
    var key: String
    var digest: String?
    var outcome: Outcome
    /// The first seq the first attempt appended; nil when it changed nothing.
    var firstSeq: Int64?

    enum Outcome: Equatable {
        /// Each operation's result and the last seq appended (nil when none was).
        case results([OperationResult], lastSeq: Int64?)
        /// The rendered answer that lines written before `results` kept (nil if none).
        case legacy(JSONValue?)
    }

    /// The record a committed keyed line leaves (a receipt: no seqs).
    init(_ commit: Commit) {
        key = commit.idempotencyKey ?? ""
        digest = commit.requestDigest
        firstSeq = commit.isReceipt ? nil : commit.firstSeq
        if let results = commit.results {
            outcome = .results(results, lastSeq: commit.isReceipt ? nil : commit.lastSeq)
        } else {
            outcome = .legacy(commit.legacyResponse)
        }
    }

    init(key: String, digest: String?, outcome: Outcome, firstSeq: Int64?) {
        self.key = key
        self.digest = digest
        self.outcome = outcome
        self.firstSeq = firstSeq
    }

    /// The projection's `response` column: `{"results":[…],"lastSeq":N}`,
    /// or a format-1 answer as it was stored (`{"status","body"}`).
    var storedOutcome: [UInt8]? {
        switch outcome {
        case .legacy(let response):
            return response?.encodedBytes
        case .results(let results, let lastSeq):
            var writer = JSONWriter()
            writer.writeRaw("{\"results\":")
            OperationResultCoding.write(results, to: &writer)
            writer.writeRaw(",\"lastSeq\":")
            if let lastSeq { writer.writeInt(lastSeq) } else { writer.writeRaw("null") }
            writer.writeRaw("}")
            return writer.bytes
        }
    }

    static func outcome(stored bytes: [UInt8]?) throws(LedgerError) -> Outcome {
        guard let bytes else { return .legacy(nil) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw LedgerError(.ledgerDamaged, "the projection holds a stored outcome that is not JSON")
        }
        guard case .object(let fields) = value, let results = fields["results"] else { return .legacy(value) }
        return .results(try OperationResultCoding.decode(array: results), lastSeq: fields["lastSeq"]?.int64Value)
    }
}
