import TiesCore
import TiesStore
import TiesPresentation

/// The write endpoints. Each request is one commit through the writer's
/// group commit; `Idempotency-Key`, `If-Match`/`expectedHeadSeq` and
/// `reason` are handled here for all of them alike.
extension API {
    /// Envelope fields a write body may carry besides the operation's own.
    /// `actor`: on whose behalf the request acts (the commit keeps the
    /// key's name as its principal either way).
    static let envelopeFields: Set<String> = ["expectedHeadSeq", "reason", "actor"]

    func defineObjectType(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        try single(request, op: "defineObjectType", createdStatus: 201)
    }

    func registerRelationshipType(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        try single(request, op: "registerRelationshipType", createdStatus: 201)
    }

    func link(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        try single(request, op: "link", createdStatus: 201)
    }

    func setAttributes(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        try single(request, op: "setAttributes", createdStatus: 200)
    }

    func unlink(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        try single(request, op: "unlink", createdStatus: 200)
    }

    /// `POST /v1/relationships/restore`: the link's fields and `asOf`.
    func restore(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        guard case .object(var fields) = try Self.parseBody(request) else {
            throw LedgerError(.invalidField, "the body must be a JSON object: the link's fields and asOf")
        }
        let envelope = fields.filter { Self.envelopeFields.contains($0.key) }
        fields = fields.filter { !Self.envelopeFields.contains($0.key) }
        let reader = try FieldReader(.object(fields), context: "restore", failure: .invalidField)
        try reader.rejectUnknown(allowed: OperationDecoding.linkFields.union(["asOf"]))
        let point: AsOf?
        switch fields["asOf"] {
        case .int(let seq)?: point = seq >= 0 ? .seq(seq) : nil
        case .string(let text)?: point = AsOf(parsing: text)
        default: point = nil
        }
        guard let point else {
            throw LedgerError(.invalidField, "'asOf' is required: a seq (1234) or an RFC 3339 time (\"2026-11-01T00:00:00Z\")", details: ["field": .string("asOf")])
        }
        let link = try OperationDecoding.linkRequest(reader)
        let operation = try service.read { ledger throws(LedgerError) in try ledger.restoreOperation(link, asOf: point) }
        return try commit(request, [operation], envelope: envelope) { receipt in
            guard let result = receipt.results.first else { return (200, .object([:])) }
            if case .link = result { return (201, result.jsonValue(seq: receipt.lastSeq)) }
            return (200, result.jsonValue(seq: receipt.lastSeq))
        }
    }

    /// `POST /v1/batch`: a JSON array of operations (or `{"operations": […],
    /// "expectedHeadSeq", "reason", "actor"}`), one atomic commit.
    func batch(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let body = try Self.parseBody(request)
        var envelope: [String: JSONValue] = [:]
        let items: [JSONValue]
        switch body {
        case .array(let array):
            items = array
        case .object(let object):
            guard case .array(let array)? = object["operations"] else {
                throw LedgerError(.invalidField, "the body must be a JSON array of operations, or an object with 'operations'", details: ["field": .string("operations")])
            }
            envelope = object.filter { $0.key != "operations" }
            try FieldReader(.object(envelope), context: "batch", failure: .invalidField).rejectUnknown(allowed: Self.envelopeFields)
            items = array
        default:
            throw LedgerError(.invalidField, "the body must be a JSON array of operations")
        }
        guard !items.isEmpty else { throw LedgerError(.invalidField, "a batch needs at least one operation", details: ["field": .string("operations")]) }
        // Counted, not yet decoded: the whole cost is charged before the work.
        try request.bucket?.charge(Int64(items.count))
        var operations: [Operation] = []
        for (index, item) in items.enumerated() {
            do throws(LedgerError) {
                operations.append(try OperationDecoding.decode(item))
            } catch {
                throw error.at(operationIndex: index)
            }
        }
        return try commit(request, operations, envelope: envelope) { receipt in
            (200, .object([
                "firstSeq": receipt.firstSeq.map(JSONValue.int) ?? .null, "lastSeq": receipt.lastSeq.map(JSONValue.int) ?? .null,
                "results": .array(receipt.resultsJSON),
            ]))
        }
    }

    /// One operation from a JSON object body; `op` may be given and must match.
    private func single(_ request: APIRequest, op: String, createdStatus: Int) throws(LedgerError) -> HTTPResponse {
        guard case .object(var fields) = try Self.parseBody(request) else {
            throw LedgerError(.invalidField, "the body must be a JSON object")
        }
        if let given = fields["op"], given != .string(op) {
            throw LedgerError(.invalidField, "'op' must be '\(op)' at this endpoint (or left out)", details: ["field": .string("op")])
        }
        let envelope = fields.filter { Self.envelopeFields.contains($0.key) }
        fields = fields.filter { !Self.envelopeFields.contains($0.key) }
        let operation = try OperationDecoding.decode(op: op, fields: try FieldReader(.object(fields), context: op, failure: .invalidField))
        return try commit(request, [operation], envelope: envelope) { receipt in
            guard let result = receipt.results.first else { return (200, .object([:])) }
            let created: Bool = switch result {
            case .objectType(_, let created, _), .relationshipType(_, let created, _), .link(_, let created, _), .record(_, let created, _): created
            case .attributes, .unlink, .erased: false
            }
            return (created ? createdStatus : 200, result.jsonValue(seq: receipt.lastSeq))
        }
    }

    /// Sends the commit to the writer and renders the receipt it returns.
    /// With an `Idempotency-Key`, a retry gets the first attempt's receipt,
    /// rendered the same way (`Idempotency-Replayed: true`); a retry of a
    /// request an older version recorded gets the answer it stored then.
    func commit(_ request: APIRequest, _ operations: [Operation], envelope: [String: JSONValue],
                        render: (CommitReceipt) -> (Int, JSONValue)) throws(LedgerError) -> HTTPResponse {
        let fields = try FieldReader(.object(envelope), context: "request", failure: .invalidField)
        let expected = try Self.expectedHeadSeq(request, body: try fields.optionalWholeNumber("expectedHeadSeq"))
        let key = request.http.headers["idempotency-key"]
        let digest = key == nil ? nil : Self.digest(request)
        let commitRequest = CommitRequest(
            operations: operations,
            metadata: CommitMetadata(actor: try fields.optionalString("actor") ?? request.actor, principal: request.actor,
                                     reason: try fields.optionalString("reason"), idempotencyKey: key),
            expectedHeadSeq: expected, requestDigest: digest)
        let receipt = try service.write(commitRequest).get()
        var response: HTTPResponse
        if let legacy = receipt.legacyResponse {
            response = HTTPResponse.json(legacy.objectValue?["body"] ?? .null, status: Int(legacy.objectValue?["status"]?.int64Value ?? 200))
        } else {
            let (status, body) = render(receipt)
            response = HTTPResponse.json(body, status: status)
        }
        if receipt.replayed { response.headers.set(name: "idempotency-replayed", value: "true") }
        return response
    }

    static func parseBody(_ request: APIRequest) throws(LedgerError) -> JSONValue {
        guard !request.http.body.isEmpty else { throw LedgerError(.invalidJSON, "the request has no body; send JSON") }
        do {
            return try JSONParser.parse(request.http.body, maxDepth: Limits.jsonDepthMax)
        } catch {
            throw LedgerError(.invalidJSON, "the body is not valid JSON: \(error.description)")
        }
    }

    /// `If-Match: 12` (or `"12"`) and/or `expectedHeadSeq`; they must agree.
    static func expectedHeadSeq(_ request: APIRequest, body: Int64?) throws(LedgerError) -> Int64? {
        guard let header = request.http.headers["if-match"] else { return body }
        let text = header.trimmingSpaces
        let unquoted = text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? String(text.dropFirst().dropLast()) : text
        guard let seq = Int64(unquoted), seq >= 0 else {
            throw LedgerError(.invalidField, "If-Match must be a head seq, e.g. If-Match: 42", details: ["field": .string("If-Match")])
        }
        if let body, body != seq {
            throw LedgerError(.invalidField, "If-Match and expectedHeadSeq disagree", details: ["field": .string("expectedHeadSeq")])
        }
        return seq
    }

    /// What makes two requests "the same" for an idempotency key: the API
    /// key that sent it (one client's key never answers another's), method,
    /// path, `If-Match`, and the body as canonical JSON (so key order and
    /// whitespace do not matter).
    static func digest(_ request: APIRequest) -> String {
        var hasher = SHA256()
        hasher.update("\(request.actor)\n\(request.http.method) \(request.http.path)\n\(request.http.headers["if-match"] ?? "")\n")
        if let body = try? JSONParser.parse(request.http.body, maxDepth: Limits.jsonDepthMax) {
            hasher.update(body.encodedBytes)
        } else {
            hasher.update(request.http.body)
        }
        return Hex.encode(hasher.finalize())
    }
}
