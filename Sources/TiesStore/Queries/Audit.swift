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
    /// The events that match `filter`, newest first, `limit` a page; each
    /// from the projection's indexes (events by kind and by type, commits
    /// by actor and time, the per-record event index), read from the log.
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

/// An audit search as SQL conditions.
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

    func audit(_ query: AuditQuery) throws(LedgerError) -> [LocatedEvent] {
        var conditions = ["e.seq >= ?1", "e.seq <= ?2", "e.seq < ?3"]
        var from = "events e"
        if query.record != nil {
            from = "record_events r JOIN events e ON e.seq = r.seq"
            conditions.append("r.record = ?6")
        }
        if query.actor != nil { conditions.append("c.actor = ?4") }
        if query.typeNumber != nil { conditions.append("e.type = ?5") }
        if !query.kinds.isEmpty { conditions.append("e.kind IN (\(query.kinds.map(String.init).joined(separator: ", ")))") }
        let statement = try db.statement("""
            SELECT \(LocatedEvent.columns) FROM \(from) JOIN commits c ON c.first_seq = e.commit_seq
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY e.seq DESC LIMIT ?7
            """)
        defer { statement.reset() }
        statement.bind(1, query.lowestSeq).bind(2, query.highestSeq).bind(3, query.beforeSeq).bind(4, query.actor)
            .bind(5, query.typeNumber).bind(6, query.record).bind(7, Int64(query.limit))
        var events: [LocatedEvent] = []
        while try statement.step() { events.append(LocatedEvent(statement)) }
        return events
    }
}
