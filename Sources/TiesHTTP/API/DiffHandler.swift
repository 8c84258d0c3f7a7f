import TiesCore
import TiesStore
import TiesPresentation

/// `GET /v1/diff` (TiesHTTP.docc/Endpoints.md): what differs between the states at two points.
extension API {
    /// What a diff takes, and nothing else.
    static let diffParameters: Set<String> = ["from", "to", "record", "relationshipType", "limit", "after"]

    func diff(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let first = try request.requiredPoint("from")
        let second = try request.requiredPoint("to")
        let record = try request.queryRecord("record")
        let type = try request.queryTypeReference("relationshipType")
        let limit = try request.queryInt("limit", in: 1...Int64(Limits.pageSizeMax), default: Int64(Limits.diffPageSizeDefault))
        let after = request.query["after"]
        let diff = try service.read { ledger throws(LedgerError) in
            try ledger.diff(from: first, to: second, record: record, type: type, limit: Int(limit), after: after)
        }
        return .json(diff.jsonValue)
    }
}

extension APIRequest {
    /// A required point in time: a seq or an RFC 3339 time.
    func requiredPoint(_ name: String) throws(LedgerError) -> AsOf {
        guard let text = query[name], let point = AsOf(parsing: text) else {
            throw LedgerError(.invalidField, "'\(name)' is required: a seq (1234) or an RFC 3339 time (2026-11-01T00:00:00Z)",
                              details: ["field": .string(name)])
        }
        return point
    }

    /// An optional record, `TYPE:ID`.
    func queryRecord(_ name: String) throws(LedgerError) -> RecordRef? {
        guard let text = query[name] else { return nil }
        guard let record = RecordRef(parsing: text) else {
            throw LedgerError(.invalidField, "'\(name)' must be TYPE:ID", details: ["field": .string(name)])
        }
        try Validation.recordID(record.id, field: name)
        return record
    }

    /// An optional relationship type: an `rt_` ID or a key `role/objecttype`, `role/parent/child`.
    func queryTypeReference(_ name: String) throws(LedgerError) -> RelationshipTypeReference? {
        guard let text = query[name] else { return nil }
        guard let reference = RelationshipTypeReference(parsing: text) else {
            throw LedgerError(.invalidField, "'\(name)' must be an rt_ ID, role/objecttype or role/parent/child", details: ["field": .string(name)])
        }
        return reference
    }
}
