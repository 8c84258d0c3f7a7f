import TiesCore

extension Ledger {
    /// A record's relationships now, or as of a seq or time. A record of an
    /// object type that does not exist is `unknown_object_type`.
    public func relationships(of record: RecordRef, asOf point: AsOf? = nil) throws(LedgerError) -> RecordRelationships {
        try QueryRules.requireRecordType(record, field: "type", in: projection)
        let (seq, at) = try point.map { (p: AsOf) throws(LedgerError) in try projection.resolve(p) } ?? (projection.head.seq, projection.head.lastAt)
        return RecordRelationships(record: record, seq: seq, at: at, links: try projection.links(of: record, atSeq: seq))
    }

    /// A record's audit trail, newest first. `cursor` is the `next` of the
    /// previous page. A record of an object type that does not exist is
    /// `unknown_object_type`.
    public func history(of record: RecordRef, limit: Int = Limits.pageSizeDefault, after cursor: String? = nil) throws(LedgerError) -> HistoryPage {
        try QueryRules.requireRecordType(record, field: "type", in: projection)
        guard (1...Limits.pageSizeMax).contains(limit) else {
            throw LedgerError(.invalidField, "'limit' must be between 1 and \(Limits.pageSizeMax)", details: ["field": .string("limit")])
        }
        let beforeSeq = try cursor.map(HistoryCursor.decode) ?? Int64.max
        let entries = try log.entries(try projection.history(of: record, beforeSeq: beforeSeq, limit: limit + 1))
        let page = Array(entries.prefix(limit))
        let next = entries.count > limit ? page.last.map { HistoryCursor.encode($0.seq) } : nil
        return HistoryPage(record: record, entries: page, next: next)
    }

    /// The change feed: up to `limit` events after `seq`, oldest first.
    public func events(after seq: Int64, limit: Int) throws(LedgerError) -> [HistoryEntry] {
        guard (1...Limits.pageSizeMax).contains(limit) else {
            throw LedgerError(.invalidField, "'limit' must be between 1 and \(Limits.pageSizeMax)", details: ["field": .string("limit")])
        }
        return try log.entries(try projection.events(after: max(seq, 0), limit: limit))
    }

    /// Every version of one link, oldest first (empty if it never existed).
    public func versions(of link: LinkKey) throws(LedgerError) -> [LinkVersion] {
        try projection.versions(of: link)
    }

    /// Runs `body` on a snapshot of the projection brought up to the newest
    /// commit another connection (the writer) has applied: one read
    /// transaction, so every query in `body` sees the same seq.
    public func readingConsistently<T>(_ body: (Ledger) throws(LedgerError) -> T) throws(LedgerError) -> T {
        try projection.db.reading { () throws(LedgerError) in
            try projection.refresh()
            return try body(self)
        }
    }

    /// Every object and relationship type.
    public var catalog: TypeCatalog { projection.catalog }

    public func stats() throws(LedgerError) -> LedgerStats {
        LedgerStats(
            headSeq: projection.head.seq, headHash: projection.head.hash, lastCommitAt: projection.head.lastAt,
            commits: try projection.count("commits"), objectTypes: Int64(projection.objectTypes.count),
            relationshipTypes: Int64(projection.typesByID.count), currentLinks: try projection.count("links"),
            linkVersions: try projection.count("link_versions"), logBytes: log.size,
            projectionBytes: layout.projectionFiles.reduce(0) { $0 + layout.fileSystem.fileSize(atPath: $1) },
            lastSnapshotSeq: try SnapshotStore(layout: layout).files().first?.seq)
    }

    /// Reads the log from the commit holding `seq` on, checking the chain.
    public func logReader(fromSeq seq: Int64) throws(LedgerError) -> LogReader {
        let reader = LogReader(log: log)
        if seq > 1, let location = try projection.commitLocation(containing: seq) {
            reader.position(offset: location.offset, expectedSeq: location.firstSeq, expectedPrevious: location.previousHash)
        }
        return reader
    }
}
