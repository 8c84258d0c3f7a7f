import TiesCore

/// Read queries: each one an index lookup, never a replay.
extension Projection {
    /// Places for the nodes of one seq's path: levels 0–56 and the open level.
    static let pathNodesMax = IntervalNode.seqBitsMax + 2

    /// The seq whose state answers "as of `point`": the last whole commit at
    /// or before it (0 before the first commit).
    func resolve(_ point: AsOf) throws(LedgerError) -> (seq: Int64, at: Timestamp?) {
        switch point {
        case .seq(let seq):
            if seq >= head.seq { return (head.seq, head.lastAt) }
            // The commit holding `seq` may end after it; then the one before counts.
            let statement = try db.statement("SELECT last_seq, at FROM commits WHERE first_seq <= ?1 ORDER BY first_seq DESC LIMIT 2")
            defer { statement.reset() }
            statement.bind(1, seq)
            while try statement.step() {
                if statement.int(0) <= seq { return (statement.int(0), Timestamp(millisecondsSinceEpoch: statement.int(1))) }
            }
            return (0, nil)
        case .time(let time):
            let statement = try db.statement("SELECT last_seq, at FROM commits WHERE at <= ?1 ORDER BY at DESC, first_seq DESC LIMIT 1")
            defer { statement.reset() }
            statement.bind(1, time.millisecondsSinceEpoch)
            guard try statement.step() else { return (0, nil) }
            return (statement.int(0), Timestamp(millisecondsSinceEpoch: statement.int(1)))
        }
    }

    /// The links of `record` at `seq`: those it is the `from` of, and those
    /// it is the `to` of in types that were bidirectional at `seq`. Only the
    /// interval tree nodes on `seq`'s path are looked at (IntervalNode), so
    /// the time does not grow with the record's history.
    func links(of record: RecordRef, atSeq seq: Int64) throws(LedgerError) -> [LinkView] {
        // One read transaction: the path must reach every level a version of
        // this snapshot may be filed at, and this connection's `head` may be
        // older than what its statements see (a reader that has not refreshed).
        try db.reading { () throws(LedgerError) in
            guard let id = try recordID(record) else { return [] }
            return try links(of: id, atSeq: seq, path: IntervalNode.path(to: seq, head: try lastSeq()))
        }
    }

    /// The last seq the projection holds, as this connection's snapshot sees it.
    private func lastSeq() throws(LedgerError) -> Int64 {
        let statement = try db.statement("SELECT MAX(seq) FROM events")
        defer { statement.reset() }
        return try statement.step() && !statement.isNull(0) ? statement.int(0) : 0
    }

    private func links(of id: Int64, atSeq seq: Int64, path: [Int64]) throws(LedgerError) -> [LinkView] {
        let columns = "t.id, fr.ref, tr.ref, v.attributes, v.linked_seq, v.linked_at, v.from_seq, v.from_at"
        let joins = """
            JOIN relationship_types t ON t.number = v.type JOIN records fr ON fr.id = v.from_record
            JOIN records tr ON tr.id = v.to_record
            """
        let nodes = (0..<Self.pathNodesMax).map { "?\($0 + 3)" }.joined(separator: ", ")
        let statement = try db.statement("""
            SELECT \(columns), 0 FROM link_versions v \(joins)
            WHERE v.from_record = ?1 AND v.node IN (\(nodes)) AND v.from_seq <= ?2 AND v.to_seq > ?2
            UNION ALL
            SELECT \(columns), 1 FROM link_versions v \(joins)
            WHERE v.to_record = ?1 AND v.node IN (\(nodes)) AND v.from_seq <= ?2 AND v.to_seq > ?2
              AND (SELECT b.bidirectional FROM relationship_type_versions b
                   WHERE b.type = v.type AND b.from_seq <= ?2 ORDER BY b.from_seq DESC LIMIT 1) = 1
            ORDER BY 9, 1, 2, 3
            """)
        defer { statement.reset() }
        statement.bind(1, id).bind(2, seq)
        // Unused places repeat a node of the path: an IN list ignores repeats.
        for place in 0..<Self.pathNodesMax { statement.bind(Int32(place + 3), path[min(place, path.count - 1)]) }
        var links: [LinkView] = []
        while try statement.step() {
            guard let type = typesByID[statement.string(0)],
                  let from = RecordRef(parsing: statement.string(1)), let to = RecordRef(parsing: statement.string(2)) else {
                throw LedgerError(.ledgerDamaged, "the projection holds a link version that does not match its types")
            }
            links.append(LinkView(
                type: type, direction: statement.int(8) == 0 ? .forward : .inverse, from: from, to: to,
                attributes: try Self.attributes(statement.bytes(3)),
                linkedSeq: statement.int(4), linkedAt: Timestamp(millisecondsSinceEpoch: statement.int(5)),
                versionSeq: statement.int(6), versionAt: Timestamp(millisecondsSinceEpoch: statement.int(7))))
        }
        return links
    }

    /// Up to `limit` events about `record` with seq below `beforeSeq`, newest first.
    func history(of record: RecordRef, beforeSeq: Int64, limit: Int) throws(LedgerError) -> [LocatedEvent] {
        guard let id = try recordID(record) else { return [] }
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

    /// Every version of one link, oldest first.
    func versions(of link: LinkKey) throws(LedgerError) -> [LinkVersion] {
        guard let type = try queryTypeNumber(link.typeId), let from = try recordID(link.from), let to = try recordID(link.to) else { return [] }
        let statement = try db.statement("""
            SELECT attributes, linked_seq, from_seq, from_at, to_seq, to_at FROM link_versions
            WHERE from_record = ?2 AND type = ?1 AND to_record = ?3 ORDER BY from_seq
            """)
        defer { statement.reset() }
        statement.bind(1, type).bind(2, from).bind(3, to)
        var versions: [LinkVersion] = []
        while try statement.step() {
            let open = statement.int(4) == ProjectionSchema.openEnded
            versions.append(LinkVersion(
                attributes: try Self.attributes(statement.bytes(0)), linkedSeq: statement.int(1),
                fromSeq: statement.int(2), fromAt: Timestamp(millisecondsSinceEpoch: statement.int(3)),
                toSeq: open ? nil : statement.int(4), toAt: open ? nil : Timestamp(millisecondsSinceEpoch: statement.int(5))))
        }
        return versions
    }

    private func located(_ statement: SQLiteStatement) throws(LedgerError) -> [LocatedEvent] {
        var events: [LocatedEvent] = []
        while try statement.step() { events.append(LocatedEvent(statement)) }
        return events
    }

    /// Where the commit holding `seq` starts in the log, and the hash of the
    /// commit before it (to check the chain from there).
    func commitLocation(containing seq: Int64) throws(LedgerError) -> (offset: Int64, firstSeq: Int64, previousHash: String)? {
        let statement = try db.statement("SELECT first_seq, log_offset FROM commits WHERE first_seq <= ?1 ORDER BY first_seq DESC LIMIT 1")
        defer { statement.reset() }
        statement.bind(1, max(seq, 1))
        guard try statement.step() else { return nil }
        let firstSeq = statement.int(0)
        let offset = statement.int(1)
        let previous = try db.statement("SELECT hash FROM commits WHERE first_seq < ?1 ORDER BY first_seq DESC LIMIT 1")
        defer { previous.reset() }
        previous.bind(1, firstSeq)
        let previousHash = try previous.step() ? previous.string(0) : CommitCodec.genesisHash
        return (offset, firstSeq, previousHash)
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

