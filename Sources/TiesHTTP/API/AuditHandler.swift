import TiesCore
import TiesStore
import TiesPresentation

extension API {
    /// `GET /v1/audit`: events matching the filters, newest first, paged.
    func audit(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        var filter = AuditFilter()
        func point(_ name: String) throws(LedgerError) -> AsOf? {
            guard let text = request.query[name] else { return nil }
            guard let point = AsOf(parsing: text) else {
                throw LedgerError(.invalidField, "'\(name)' must be a seq (1234) or an RFC 3339 time (2026-11-01T00:00:00Z)", details: ["field": .string(name)])
            }
            return point
        }
        filter.since = try point("since")
        filter.until = try point("until")
        filter.actor = request.query["actor"]
        if let text = request.query["relationshipType"] {
            guard let reference = RelationshipTypeReference(parsing: text) else {
                throw LedgerError(.invalidField, "'relationshipType' must be an rt_ ID, role/objecttype or role/parent/child", details: ["field": .string("relationshipType")])
            }
            filter.type = reference
        }
        if let text = request.query["record"] {
            guard let record = RecordRef(parsing: text) else {
                throw LedgerError(.invalidField, "'record' must be TYPE:ID", details: ["field": .string("record")])
            }
            filter.record = record
        }
        if let text = request.query["op"] {
            for name in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let op = AuditOp(rawValue: String(name)) else {
                    throw LedgerError(.invalidField, "'op' takes \(AuditOp.allCases.map(\.rawValue).joined(separator: ", ")), comma-separated",
                                      details: ["field": .string("op")])
                }
                filter.ops.append(op)
            }
        }
        let limit = try request.queryInt("limit", in: 1...Int64(Limits.pageSizeMax), default: Int64(Limits.relationshipPageSizeDefault))
        let after = request.query["after"]
        let page = try service.read { ledger throws(LedgerError) in try ledger.audit(filter, limit: Int(limit), after: after) }
        return .json(page.jsonValue)
    }
}
