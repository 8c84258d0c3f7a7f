import TiesCore
import TiesStore
import TiesPresentation

extension API {
    /// `GET /v1/audit`: events matching the filters, newest first, paged.
    func audit(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        var filter = AuditFilter(since: try request.queryPoint("since"), until: try request.queryPoint("until"), actor: request.query["actor"],
                                 type: try request.queryTypeReference("relationshipType"), record: try request.queryRecord("record"))
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
