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
