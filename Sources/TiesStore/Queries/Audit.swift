import TiesCore

/// What an audit search asks for (`ties audit`, `GET /v1/audit`): events
/// in a range of time or seqs, by actor, relationship type, record and
/// kind of operation; every filter optional.
public struct AuditFilter: Sendable, Equatable {
    public var since: AsOf?
    public var until: AsOf?
    public var actor: String?
    public var type: RelationshipTypeReference?
    public var record: RecordRef?
    public var ops: [AuditOp]

    public init(since: AsOf? = nil, until: AsOf? = nil, actor: String? = nil, type: RelationshipTypeReference? = nil,
                record: RecordRef? = nil, ops: [AuditOp] = []) {
        self.since = since
        self.until = until
        self.actor = actor
        self.type = type
        self.record = record
        self.ops = ops
    }
}

/// The operations an audit search names, by the events they leave.
public enum AuditOp: String, Sendable, CaseIterable {
    case defineObjectType, registerRelationshipType, link, unlink, setAttributes, upsertRecord, eraseRecord

    var kinds: [EventKind] {
        switch self {
        case .defineObjectType: return [.objectTypeDefined]
        case .registerRelationshipType: return [.relationshipTypeRegistered, .relationshipTypeUpdated]
        case .link: return [.linked]
        case .unlink: return [.unlinked]
        case .setAttributes: return [.attributesChanged]
        case .upsertRecord: return [.recordUpserted]
        case .eraseRecord: return [.recordErased]
        }
    }
}

/// One page of an audit search, newest first.
public struct AuditPage: Sendable, Equatable {
    public var entries: [HistoryEntry]
    public var next: String?
}

extension Ledger {
    /// The events that match `filter`, newest first, `limit` a page; found
    /// through the projection's indexes (events by kind and by type, commits
    /// by actor and time, the per-record event index; see `AuditSearch`),
    /// read from the log.
    public func audit(_ filter: AuditFilter, limit: Int = Limits.relationshipPageSizeDefault, after cursor: String? = nil) throws(LedgerError) -> AuditPage {
        try Self.checkPageSize(limit)
        return try projection.db.reading { () throws(LedgerError) in
            let beforeSeq = try cursor.map(HistoryCursor.decode) ?? Int64.max
            var query = AuditQuery(beforeSeq: beforeSeq, limit: limit + 1)
            if let since = filter.since { query.lowestSeq = try projection.firstSeq(atOrAfter: since) }
            if let until = filter.until { query.highestSeq = try projection.lastSeq(atOrBefore: until) }
            query.actor = filter.actor
            if let type = filter.type {
                let id = try QueryRules.relationshipType(type, in: projection).id
                guard let number = try projection.queryTypeNumber(id) else {
                    throw LedgerError(.ledgerDamaged, "the projection holds no number for relationship type \(id)")
                }
                query.typeNumber = number
            }
            if let record = filter.record {
                try QueryRules.requireRecordType(record, field: "record", in: projection)
                guard let id = try projection.recordID(record) else { return AuditPage(entries: [], next: nil) }
                query.record = id
            }
            query.kinds = filter.ops.flatMap(\.kinds).map(\.rawValue)
            let entries = try opened(try log.entries(try projection.audit(query)))
            let page = Array(entries.prefix(limit))
            return AuditPage(entries: page, next: entries.count > limit ? page.last.map { HistoryCursor.encode($0.seq) } : nil)
        }
    }
}

/// An audit search: its seq bounds and filters, records and types by number.
struct AuditQuery {
    var beforeSeq: Int64
    var limit: Int
    var lowestSeq: Int64 = 0
    var highestSeq: Int64 = .max
    var actor: String?
    var typeNumber: Int64?
    var record: Int64?
    var kinds: [Int64] = []
}

extension Projection {
    /// The last seq at or before `point`: a seq is itself (within the head:
    /// beyond it is `invalid_as_of`), a time the last commit's last seq.
    func lastSeq(atOrBefore point: AsOf) throws(LedgerError) -> Int64 {
        guard case .seq(let seq) = point else { return try resolve(point).seq }
        _ = try resolve(point)
        return seq
    }

    /// The first seq of the first commit at or after `point` (a seq is itself).
    func firstSeq(atOrAfter point: AsOf) throws(LedgerError) -> Int64 {
        switch point {
        case .seq(let seq):
            return seq
        case .time(let time):
            let statement = try db.statement("SELECT first_seq FROM commits WHERE at >= ?1 ORDER BY at, first_seq LIMIT 1")
            defer { statement.reset() }
            statement.bind(1, time.millisecondsSinceEpoch)
            return try statement.step() ? statement.int(0) : .max
        }
    }

    /// The events `query` matches, newest first, found by `AuditSearch`
    /// through the indexes of its filters.
    func audit(_ query: AuditQuery) throws(LedgerError) -> [LocatedEvent] {
        if query.record != nil { try insertPendingRecordEvents() }
        return try events(at: try search(query).seqs(from: min(query.highestSeq, query.beforeSeq - 1, try lastSeq()),
                                                downTo: max(query.lowestSeq, 1), limit: query.limit))
    }

    /// `query`'s filters as the clauses of a search.
    func search(_ query: AuditQuery) -> AuditSearch {
        var keys: [[AuditIndex.Key]] = []
        if let record = query.record { keys.append([.record(record)]) }
        if let actor = query.actor { keys.append([.actor(actor)]) }
        if let type = query.typeNumber { keys.append([.type(type)]) }
        if !query.kinds.isEmpty { keys.append(Array(Set(query.kinds)).sorted().map(AuditIndex.Key.kind)) }
        return AuditSearch(clauses: keys.map { clause in clause.map { AuditIndex($0, db: db) } })
    }
}
