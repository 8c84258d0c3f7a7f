import TiesCore
import TiesStore
import TiesPresentation

/// Records: upsert, read (now or as of T), look up by identifier, erase.
extension API {
    /// `PUT /v1/records/{type}/{id}` with `{"set":{…},"unset":[…]}`: 201 when the record is new.
    func upsertRecord(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let record = try record(request)
        guard case .object(var fields) = try Self.parseBody(request) else {
            throw LedgerError(.invalidField, "the body must be a JSON object: {\"set\":{…},\"unset\":[…]}")
        }
        if let given = fields.removeValue(forKey: "op"), given != .string("upsertRecord") {
            throw LedgerError(.invalidField, "'op' must be 'upsertRecord' at this endpoint (or left out)", details: ["field": .string("op")])
        }
        let envelope = fields.filter { Self.envelopeFields.contains($0.key) }
        fields = fields.filter { !Self.envelopeFields.contains($0.key) }
        let reader = try FieldReader(.object(fields), context: "record", failure: .invalidField)
        try reader.rejectUnknown(allowed: ["set", "unset"])
        let operation = Operation.upsertRecord(record, set: try reader.optionalObject("set") ?? [:], unset: try reader.optionalStringArray("unset") ?? [])
        return try commit(request, [operation], envelope: envelope) { receipt in
            guard let result = receipt.results.first, case .record(_, let created, _) = result else { return (200, .object([:])) }
            return (created ? 201 : 200, result.jsonValue(seq: receipt.lastSeq))
        }
    }

    /// `POST /v1/records/{type}/{id}/erase` (admin), optionally `{"reason":…}`.
    func eraseRecord(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let record = try record(request)
        var envelope: [String: JSONValue] = [:]
        if !request.http.body.isEmpty {
            guard case .object(let fields) = try Self.parseBody(request) else { throw LedgerError(.invalidField, "the body must be a JSON object") }
            try FieldReader(.object(fields), context: "erase", failure: .invalidField).rejectUnknown(allowed: Self.envelopeFields)
            envelope = fields
        }
        return try commit(request, [.eraseRecord(record)], envelope: envelope) { receipt in
            (200, receipt.results.first?.jsonValue(seq: receipt.lastSeq) ?? .object([:]))
        }
    }

    /// `GET /v1/records/{type}/{id}?asOf=T` → `{"record","fields","since"}`.
    func recordFields(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let record = try record(request)
        let point = try request.queryAsOf()
        let fields = try service.read { ledger throws(LedgerError) in try ledger.record(record, asOf: point) }
        return .json(fields.jsonValue)
    }

    /// `GET /v1/records/{type}?field=F&value=V`: the records whose identifier
    /// F holds V (V is a JSON scalar when it parses as one, else a string).
    func findRecords(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let type = request.parameters["type"] ?? ""
        guard let field = request.query["field"], let text = request.query["value"] else {
            throw LedgerError(.invalidField, "'field' and 'value' are required, e.g. ?field=email&value=ada@example.com",
                              details: ["field": .string(request.query["field"] == nil ? "field" : "value")])
        }
        let value = JSONValue.scalar(orText: text)
        let found = try service.read { ledger throws(LedgerError) in try ledger.findRecords(ofType: type, field: field, value: value) }
        let shown = found.prefix(Limits.matchCandidatesMax)
        return .json(.object(["records": .array(shown.map(\.jsonValue)), "more": .bool(found.count > shown.count)]))
    }
}
