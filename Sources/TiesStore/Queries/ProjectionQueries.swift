import TiesCore

/// Read queries: each one an index lookup, never a replay.
extension Projection {
    /// The seq whose state answers "as of `point`": the last whole commit at
    /// or before it (0 before the first commit); the head when nil. A seq
    /// beyond the head is `invalid_as_of` (a time after the last commit
    /// means now: time goes on, seqs do not exist yet).
    func resolve(_ point: AsOf?) throws(LedgerError) -> (seq: Int64, at: Timestamp?) {
        switch point {
        case nil:
            return (head.seq, head.lastCommitAt)
        case .seq(let seq)?:
            if seq > head.seq {
                throw LedgerError(.invalidAsOf, "seq \(seq) is beyond the head, seq \(head.seq)",
                                  details: ["field": .string("asOf"), "headSeq": .int(head.seq)])
            }
            if seq == head.seq { return (head.seq, head.lastCommitAt) }
            // The commit holding `seq` may end after it; then the one before counts.
            let statement = try db.statement("SELECT last_seq, at FROM commits WHERE first_seq <= ?1 ORDER BY first_seq DESC LIMIT 2")
            defer { statement.reset() }
            statement.bind(1, seq)
            while try statement.step() {
                if statement.int(0) <= seq { return (statement.int(0), Timestamp(millisecondsSinceEpoch: statement.int(1))) }
            }
            return (0, nil)
        case .time(let time)?:
            let statement = try db.statement("SELECT last_seq, at FROM commits WHERE at <= ?1 ORDER BY at DESC, first_seq DESC LIMIT 1")
            defer { statement.reset() }
            statement.bind(1, time.millisecondsSinceEpoch)
            guard try statement.step() else { return (0, nil) }
            return (statement.int(0), Timestamp(millisecondsSinceEpoch: statement.int(1)))
        }
    }

    /// The last seq the projection holds, as this connection's snapshot sees it.
    func lastSeq() throws(LedgerError) -> Int64 {
        let statement = try db.statement("SELECT MAX(seq) FROM events")
        defer { statement.reset() }
        return try statement.step() && !statement.isNull(0) ? statement.int(0) : 0
    }

    /// Up to `limit` events about `record` with seq below `beforeSeq`, newest first.
    func history(of record: RecordRef, beforeSeq: Int64, limit: Int) throws(LedgerError) -> [LocatedEvent] {
        guard let id = try recordID(record) else { return [] }
        try insertPendingRecordEvents()
        let statement = try db.statement("""
            SELECT \(LocatedEvent.columns) FROM record_events r
            JOIN events e ON e.seq = r.seq JOIN commits c ON c.first_seq = e.commit_seq
            WHERE r.record = ?1 AND r.seq < ?2 ORDER BY r.seq DESC LIMIT ?3
            """)
        defer { statement.reset() }
        statement.bind(1, id).bind(2, beforeSeq).bind(3, Int64(limit))
        return try located(statement)
    }

    /// Up to `limit` events with seq above `seq`, oldest first: the change feed.
    func events(after seq: Int64, limit: Int) throws(LedgerError) -> [LocatedEvent] {
        let statement = try db.statement("""
            SELECT \(LocatedEvent.columns) FROM events e
            JOIN commits c ON c.first_seq = e.commit_seq WHERE e.seq > ?1 ORDER BY e.seq LIMIT ?2
            """)
        defer { statement.reset() }
        statement.bind(1, seq).bind(2, Int64(limit))
        return try located(statement)
    }

    /// The lives of one link, oldest first, as the projection keeps them:
    /// its attribute versions grouped by the seq that linked it, with the
    /// seqs of the events that opened, changed and closed them.
    func lives(of link: LinkKey) throws(LedgerError) -> [LinkLife] {
        guard let type = try queryTypeNumber(link.typeId), let from = try recordID(link.from), let to = try recordID(link.to) else { return [] }
        let ids = try versionIDs(type: type, from: from, to: to)
        let statement = try db.statement("""
            SELECT attributes, linked_seq, linked_at, from_seq, to_seq, to_at FROM link_versions
            WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY from_seq
            """)
        defer { statement.reset() }
        statement.bind(1, "[" + ids.map(String.init).joined(separator: ",") + "]")
        var lives: [LinkLife] = []
        while try statement.step() {
            let linkedSeq = statement.int(1)
            let open = statement.int(4) == ProjectionSchema.openEnded
            if lives.last?.linkedSeq != linkedSeq {
                lives.append(LinkLife(linkedSeq: linkedSeq, linkedAt: Timestamp(millisecondsSinceEpoch: statement.int(2)), seqs: []))
            }
            lives[lives.count - 1].attributes = try Self.attributes(statement.bytes(0))
            lives[lives.count - 1].seqs.append(statement.int(3))
            lives[lives.count - 1].end = open ? nil : (statement.int(4), Timestamp(millisecondsSinceEpoch: statement.int(5)))
        }
        return lives
    }

    /// The row IDs of link (type, from, to)'s versions. Either end's version
    /// index finds them by walking that record's versions of the type; the
    /// two walks step by turns and the first to finish answers, so a story
    /// costs the quieter end's versions: an account with a hundred thousand
    /// members does not slow the story of one member's link, whichever end
    /// SQLite would have picked.
    private func versionIDs(type: Int64, from: Int64, to: Int64) throws(LedgerError) -> [Int64] {
        let walks = [
            (try db.statement("SELECT to_record, id FROM link_versions INDEXED BY versions_by_from WHERE from_record = ?1 AND type = ?2"), from, to),
            (try db.statement("SELECT from_record, id FROM link_versions INDEXED BY versions_by_to WHERE to_record = ?1 AND type = ?2"), to, from),
        ]
        defer { for (statement, _, _) in walks { statement.reset() } }
        for (statement, record, _) in walks { statement.bind(1, record).bind(2, type) }
        var found: [[Int64]] = [[], []]
        while true {
            for (index, (statement, _, other)) in walks.enumerated() {
                guard try statement.step() else { return found[index] }
                if statement.int(0) == other { found[index].append(statement.int(1)) }
            }
        }
    }

    /// The link's attributes as of `seq`, nil when it was not linked then.
    func attributes(of link: LinkKey, atSeq seq: Int64) throws(LedgerError) -> Attributes? {
        guard let type = try queryTypeNumber(link.typeId), let from = try recordID(link.from), let to = try recordID(link.to) else { return nil }
        let statement = try db.statement("""
            SELECT attributes FROM link_versions
            WHERE from_record = ?2 AND type = ?1 AND to_record = ?3 AND from_seq <= ?4 AND to_seq > ?4
            """)
        defer { statement.reset() }
        statement.bind(1, type).bind(2, from).bind(3, to).bind(4, seq)
        guard try statement.step() else { return nil }
        return try Self.attributes(statement.bytes(0))
    }

    /// The events at `seqs` (each one an event of the log), oldest first.
    func events(at seqs: [Int64]) throws(LedgerError) -> [LocatedEvent] {
        let statement = try db.statement("""
            SELECT \(LocatedEvent.columns) FROM events e JOIN commits c ON c.first_seq = e.commit_seq WHERE e.seq = ?1
            """)
        var events: [LocatedEvent] = []
        for seq in seqs {
            statement.reset()
            statement.bind(1, seq)
            guard try statement.step() else { throw LedgerError(.ledgerDamaged, "the projection holds no event at seq \(seq)") }
            events.append(LocatedEvent(statement))
        }
        statement.reset()
        return events
    }

    private func located(_ statement: SQLiteStatement) throws(LedgerError) -> [LocatedEvent] {
        var events: [LocatedEvent] = []
        while try statement.step() { events.append(LocatedEvent(statement)) }
        return events
    }

    /// Where the commit holding `seq` starts in the log, and its first seq.
    func commitLocation(containing seq: Int64) throws(LedgerError) -> (offset: Int64, firstSeq: Int64)? {
        let statement = try db.statement("SELECT first_seq, log_offset FROM commits WHERE first_seq <= ?1 ORDER BY first_seq DESC LIMIT 1")
        defer { statement.reset() }
        statement.bind(1, max(seq, 1))
        guard try statement.step() else { return nil }
        return (statement.int(1), statement.int(0))
    }

    /// The hash of the commit whose last seq is `seq` (the genesis hash for 0).
    func commitHash(endingAt seq: Int64) throws(LedgerError) -> String {
        guard seq > 0 else { return CommitCodec.genesisHash }
        let statement = try db.statement("SELECT hash FROM commits WHERE last_seq = ?1")
        defer { statement.reset() }
        statement.bind(1, seq)
        guard try statement.step() else { throw LedgerError(.ledgerDamaged, "the projection has no commit ending at seq \(seq)") }
        return statement.string(0)
    }

    /// Every current link with its attributes, in key order; `body` returns
    /// false to stop.
    func forEachLink(_ body: (LinkKey, Attributes) throws(LedgerError) -> Bool) throws(LedgerError) {
        let statement = try db.statement("""
            SELECT type_id, from_record, to_record, attributes FROM (\(ProjectionSchema.currentLinks())) ORDER BY 1, 2, 3
            """)
        defer { statement.reset() }
        while try statement.step() {
            guard let from = RecordRef(parsing: statement.string(1)), let to = RecordRef(parsing: statement.string(2)) else {
                throw LedgerError(.ledgerDamaged, "the projection holds a malformed record")
            }
            guard try body(LinkKey(typeId: statement.string(0), from: from, to: to), try Self.attributes(statement.bytes(3))) else { return }
        }
    }

    func commitCount(after seq: Int64) throws(LedgerError) -> Int64 {
        let statement = try db.statement("SELECT COUNT(*) FROM commits WHERE first_seq > ?1")
        defer { statement.reset() }
        statement.bind(1, seq)
        return try statement.step() ? statement.int(0) : 0
    }

    func count(_ table: String) throws(LedgerError) -> Int64 {
        let statement = try db.statement("SELECT COUNT(*) FROM \(table)")
        defer { statement.reset() }
        return try statement.step() ? statement.int(0) : 0
    }

    var catalog: TypeCatalog {
        TypeCatalog(
            objectTypes: objectTypes.values.sorted { utf8Less($0.name, $1.name) },
            relationshipTypes: typesByID.values.sorted { utf8Less($0.key.description, $1.key.description) || ($0.key.description == $1.key.description && $0.key.kind.rawValue < $1.key.kind.rawValue) })
    }
}

