import TiesCore

extension Ledger {
    /// A page of a record's relationships now, or as of a seq or time (see
    /// `Projection.linkPage` for the order). `filter` picks the links,
    /// `limit` bounds the page, `cursor` — the `next` of the page before —
    /// continues a listing as of the seq its first page showed, whatever
    /// `point` says. A record of an object type that does not exist is
    /// `unknown_object_type`; a filter's unknown type `unknown_relationship_type`.
    public func relationships(of record: RecordRef, asOf point: AsOf? = nil, filter: RelationshipFilter = RelationshipFilter(),
                              limit: Int = Limits.relationshipPageSizeDefault, after cursor: String? = nil) throws(LedgerError) -> RecordRelationships {
        try Self.checkPageSize(limit)
        return try projection.db.reading { () throws(LedgerError) in
            try QueryRules.requireRecordType(record, field: "type", in: projection)
            let type = try filter.type.map { (reference: RelationshipTypeReference) throws(LedgerError) in
                try QueryRules.relationshipType(reference, in: projection)
            }
            let start = try cursor.map { (text: String) throws(LedgerError) in try listingStart(text) }
            let (seq, at) = try projection.resolve(start.map { .seq($0.seq) } ?? point)
            let page = try projection.linkPage(of: record, atSeq: seq, type: type, direction: filter.direction, after: start?.position, limit: limit)
            return RecordRelationships(record: record, seq: seq, at: at, links: page.links,
                                       next: page.next.map { RelationshipCursor(seq: seq, position: $0).encoded })
        }
    }

    /// A relationship cursor this ledger could have issued: its seq not past the head, its type known.
    private func listingStart(_ text: String) throws(LedgerError) -> RelationshipCursor {
        let cursor = try RelationshipCursor(decoding: text)
        guard cursor.seq <= projection.head.seq, projection.typesByNumber[cursor.position.type] != nil else { throw .cursorNotIssued }
        return cursor
    }

    /// A record's audit trail, newest first, each link event labelled from
    /// the record's side. `cursor` is the `next` of the previous page. A
    /// record of an object type that does not exist is `unknown_object_type`.
    public func history(of record: RecordRef, limit: Int = Limits.pageSizeDefault, after cursor: String? = nil) throws(LedgerError) -> HistoryPage {
        try Self.checkPageSize(limit)
        try QueryRules.requireRecordType(record, field: "type", in: projection)
        let beforeSeq = try cursor.map(HistoryCursor.decode) ?? Int64.max
        let entries = try opened(try log.entries(try projection.history(of: record, beforeSeq: beforeSeq, limit: limit + 1))).map { labeled($0, on: record) }
        let page = Array(entries.prefix(limit))
        let next = entries.count > limit ? page.last.map { HistoryCursor.encode($0.seq) } : nil
        return HistoryPage(record: record, entries: page, next: next)
    }

    private func labeled(_ entry: HistoryEntry, on record: RecordRef) -> HistoryEntry {
        guard let link = entry.event.link, let type = projection.typesByID[link.typeId] else { return entry }
        var labeled = entry
        labeled.label = type.label(onToSide: link.from != record)
        return labeled
    }

    /// The change feed: up to `limit` events after `seq`, oldest first.
    public func events(after seq: Int64, limit: Int) throws(LedgerError) -> [HistoryEntry] {
        try Self.checkPageSize(limit)
        return try opened(try log.entries(try projection.events(after: max(seq, 0), limit: limit)))
    }

    /// Entries read from the log with their record field values opened.
    func opened(_ entries: [HistoryEntry]) throws(LedgerError) -> [HistoryEntry] {
        var opened = entries
        for index in opened.indices { opened[index].event = try recordKeys.opened(opened[index].event) }
        return opened
    }

    /// Every paged list takes 1–`Limits.pageSizeMax` entries a page.
    static func checkPageSize(_ limit: Int) throws(LedgerError) {
        guard (1...Limits.pageSizeMax).contains(limit) else {
            throw LedgerError(.invalidField, "'limit' must be between 1 and \(Limits.pageSizeMax)", details: ["field": .string("limit")])
        }
    }

    /// The link a query names: its type by `rt_` ID or key (unknown:
    /// `unknown_relationship_type`), its records as `TYPE:ID` of the type's
    /// object types or as bare IDs.
    public func link(_ type: RelationshipTypeReference, from: String, to: String) throws(LedgerError) -> LinkKey {
        let resolved = try QueryRules.relationshipType(type, in: projection)
        func record(_ text: String, ofType objectType: String, field: String) throws(LedgerError) -> RecordRef {
            let id = text.hasPrefix(objectType + ":") ? String(text.dropFirst(objectType.count + 1)) : text
            try Validation.recordID(id, field: field)
            return RecordRef(type: objectType, id: id)
        }
        return LinkKey(typeId: resolved.id, from: try record(from, ofType: resolved.key.fromType, field: "from"),
                       to: try record(to, ofType: resolved.key.toType, field: "to"))
    }

    /// Every version (life) of one link, oldest first, each with the
    /// events that made, changed and ended it; empty if it never existed.
    public func versions(of link: LinkKey) throws(LedgerError) -> [LinkVersion] {
        var versions: [LinkVersion] = []
        for life in try projection.lives(of: link) {
            let seqs = life.seqs + (life.end.map { [$0.seq] } ?? [])
            let events = try opened(try log.entries(try projection.events(at: seqs)))
            versions.append(LinkVersion(fromSeq: life.linkedSeq, fromAt: life.linkedAt, toSeq: life.end?.seq, toAt: life.end?.at,
                                        attributes: life.attributes, events: events))
        }
        return versions
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
            headSeq: projection.head.seq, headHash: projection.head.hash, lastCommitAt: projection.head.lastCommitAt,
            commits: try projection.count("commits"), objectTypes: Int64(projection.objectTypes.count),
            relationshipTypes: Int64(projection.typesByID.count), currentLinks: try projection.count("links"),
            // A reader's log size is the size it opened with; the projection it has refreshed knows where the head ends.
            linkVersions: try projection.count("link_versions"), logBytes: max(log.size, projection.head.logEndOffset),
            projectionBytes: layout.projectionFiles.reduce(0) { $0 + layout.fileSystem.fileSize(atPath: $1) },
            lastSnapshotSeq: try SnapshotStore(layout: layout).files().first?.seq)
    }

    /// Reads the log from the commit holding `seq` on, checking the chain.
    public func logReader(fromSeq seq: Int64) throws(LedgerError) -> LogReader {
        let reader = LogReader(log: log)
        if seq > 1, let location = try projection.commitLocation(containing: seq) {
            // The chain is checked from this commit on: it names the line
            // before it, a receipt's maybe (receipts are not in the commits table).
            let line = try log.line(at: location.offset)
            reader.position(offset: location.offset, expectedSeq: location.firstSeq, expectedPrevious: try CommitCodec.open(line).commit.previousHash)
        }
        return reader
    }
}
