import TiesCore
import TiesStore
import TiesPresentation

/// The GET endpoints: each one read on a consistent snapshot of the projection.
extension API {
    /// A change-feed request that may wait for commits (`wait` > 0).
    static func waitsForCommits(_ request: HTTPRequest) -> Bool {
        guard request.path == "/v1/events", let query = try? Router.query(request.query) else { return false }
        return (query["wait"].flatMap(Int64.init) ?? 0) > 0
    }

    /// 503 `damaged` while `damaged.json` says the log was found damaged;
    /// otherwise ok, with the head and the background scrub's progress.
    func health(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        if let damage = try DamageRecord.load(service.layout) {
            return .json(.object([
                "status": .string("damaged"), "seq": damage.seq.map(JSONValue.int) ?? .null,
                "offset": damage.offset.map(JSONValue.int) ?? .null, "foundBy": .string(damage.foundBy),
                "foundAt": .string(damage.foundAt.description), "detail": .string(damage.message),
            ]), status: 503)
        }
        var fields: [String: JSONValue] = ["status": .string("ok"), "headSeq": .int(service.head.seq)]
        if let progress = scrub?.progress {
            fields["scrub"] = .object([
                "running": .bool(progress.running), "passesCompleted": .int(Int64(progress.passesCompleted)),
                "bytesDone": .int(progress.bytesDone), "bytesTotal": .int(progress.bytesTotal),
                "lastPassEndedAt": progress.lastPassEndedAt.map { .string($0.description) } ?? .null,
            ])
        }
        return .json(.object(fields))
    }

    /// `ties stats` over HTTP, with the snapshot files listed (unchecked:
    /// `ties snapshots` checks them), for the console's ledger view.
    func stats(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let (stats, snapshots) = try service.read { ledger throws(LedgerError) in (try ledger.stats(), try ledger.snapshotFiles()) }
        var body = stats.jsonValue.objectValue ?? [:]
        body["snapshots"] = .array(snapshots.map { .object(["seq": .int($0.seq), "bytes": .int($0.bytes)]) })
        return .json(.object(body))
    }

    func openAPI(_ request: APIRequest) -> HTTPResponse {
        var response = HTTPResponse.json(.null)
        response.body = OpenAPIDocument.bytes
        return response
    }

    func objectTypes(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let catalog = try service.read { ledger throws(LedgerError) in ledger.catalog }
        return .json(.object(["objectTypes": .array(catalog.objectTypes.map(\.jsonValue))]))
    }

    func relationshipTypes(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let catalog = try service.read { ledger throws(LedgerError) in ledger.catalog }
        let types = catalog.relationshipTypes
        return .json(.object([
            "personToCo": .array(types.filter { $0.key.kind == .personToCo }.map(\.jsonValue)),
            "coToCo": .array(types.filter { $0.key.kind == .coToCo }.map(\.jsonValue)),
        ]))
    }

    /// What a record's relationship list takes (TiesHTTP.docc/Endpoints.md), and nothing else.
    static let relationshipListParameters: Set<String> = ["relationshipType", "direction", "asOf", "limit", "after"]

    func recordRelationships(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let record = try self.record(request)
        let filter = try Self.relationshipFilter(request)
        let limit = try request.queryInt("limit", in: 1...Int64(Limits.pageSizeMax), default: Int64(Limits.relationshipPageSizeDefault))
        let after = request.query["after"]
        let point = try request.queryAsOf()
        let view = try service.read { ledger throws(LedgerError) in
            try ledger.relationships(of: record, asOf: point, filter: filter, limit: Int(limit), after: after)
        }
        return .json(view.jsonValue)
    }

    /// `relationshipType` (an `rt_` ID or a key `role/objecttype`, `role/parent/child`) and `direction`.
    private static func relationshipFilter(_ request: APIRequest) throws(LedgerError) -> RelationshipFilter {
        var filter = RelationshipFilter(type: try request.queryTypeReference("relationshipType"))
        if let text = request.query["direction"] {
            guard let direction = LinkDirection(rawValue: text) else {
                throw LedgerError(.invalidField, "'direction' must be \(LinkDirection.allCases.map(\.rawValue).joined(separator: ", "))",
                                  details: ["field": .string("direction")])
            }
            filter.direction = direction
        }
        return filter
    }

    func recordHistory(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let record = try self.record(request)
        let limit = try request.queryInt("limit", in: 1...Int64(Limits.pageSizeMax), default: Int64(Limits.pageSizeDefault))
        let after = request.query["after"]
        let page = try service.read { ledger throws(LedgerError) in try ledger.history(of: record, limit: Int(limit), after: after) }
        return .json(page.jsonValue)
    }

    /// Every version of one link, each with the events that made, changed
    /// and ended it: the type by `relationshipType` (an `rt_` ID or a key;
    /// `relationshipTypeId` is the older name of the same parameter),
    /// `from` and `to` as `TYPE:ID` or bare IDs.
    func relationshipHistory(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        func required(_ name: String) throws(LedgerError) -> String {
            guard let value = request.query[name], !value.isEmpty else {
                throw LedgerError(.invalidField, "query parameter '\(name)' is required", details: ["field": .string(name)])
            }
            return value
        }
        if request.query["relationshipType"] != nil && request.query["relationshipTypeId"] != nil {
            throw LedgerError(.invalidField, "give 'relationshipType' or 'relationshipTypeId', not both", details: ["field": .string("relationshipTypeId")])
        }
        let typeName = request.query["relationshipTypeId"] != nil ? "relationshipTypeId" : "relationshipType"
        guard let reference = try request.queryTypeReference(typeName) else {
            throw LedgerError(.invalidField, "query parameter '\(typeName)' is required", details: ["field": .string(typeName)])
        }
        let (fromText, toText) = (try required("from"), try required("to"))
        let (link, versions) = try service.read { ledger throws(LedgerError) in
            let link = try ledger.link(reference, from: fromText, to: toText)
            return (link, try ledger.versions(of: link))
        }
        guard !versions.isEmpty else {
            throw LedgerError(.relationshipNotFound, "\(link.from) → \(link.to) was never linked in \(link.typeId)", details: ["relationship": linkJSON(link)])
        }
        var body = linkJSON(link).objectValue ?? [:]
        body["versions"] = .array(versions.map(\.jsonValue))
        return .json(.object(body))
    }

    /// The change feed: events after `after`, oldest first; with `wait`, a
    /// long poll that answers as soon as a commit lands.
    func events(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let after = try request.queryInt("after", in: 0...Int64.max, default: 0)
        let limit = try request.queryInt("limit", in: 1...Int64(Limits.pageSizeMax), default: HTTPLimits.feedPageDefault)
        let wait = try request.queryInt("wait", in: 0...HTTPLimits.feedWaitSecondsMax, default: 0)
        if wait > 0 && service.head.seq <= after {
            _ = service.awaitHead(after: after, timeoutMs: Int(wait) * 1000)
        }
        let (entries, head) = try service.read { ledger throws(LedgerError) in
            (try ledger.events(after: after, limit: Int(limit)), ledger.headSeq)
        }
        return .json(.object([
            "events": .array(entries.map(\.jsonValue)), "next": .string(String(entries.last?.seq ?? after)),
            "headSeq": .int(head),
        ]))
    }

    func record(_ request: APIRequest) throws(LedgerError) -> RecordRef {
        let type = request.parameters["type"] ?? ""
        let id = request.parameters["id"] ?? ""
        try Validation.recordID(id, field: "id")
        return RecordRef(type: type, id: id)
    }
}
