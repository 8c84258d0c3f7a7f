import TiesCore

/// Pages of a record's links, in the listing order: the record's side
/// (`from` first), then the relationship type's ID, then the other record's
/// interned number. Each (side, type) section is read through an index in
/// that order from where the last page stopped, so a page costs about its
/// own size, however many links the record has (the Projection article).
extension Projection {
    /// Where a listing stands: the side, type and other record of the last link shown.
    struct ListingPosition: Equatable {
        var side: LinkSide
        var type: Int64
        var other: Int64
    }

    /// One (side, type) part of a listing, and where in it to start.
    private struct Section {
        var side: LinkSide
        var number: Int64
        var type: RelationshipType
        var afterOther: Int64
    }

    /// Up to `limit` links of `record` at `seq` after `start`, in listing
    /// order: those it is the `from` and/or the `to` of as `direction` says,
    /// only of `type` when given. `next` is the last one's position when
    /// more follow. One read transaction, so the sections agree on `seq`.
    func linkPage(of record: RecordRef, atSeq seq: Int64, type: RelationshipType?, direction: LinkDirection?,
                  after start: ListingPosition?, limit: Int) throws(LedgerError) -> (links: [LinkView], next: ListingPosition?) {
        try db.reading { () throws(LedgerError) in
            guard let id = try recordID(record) else { return ([], nil) }
            // A past seq reads the versions on its interval tree path; the
            // path must reach every level this snapshot may file them at.
            let last = try lastSeq()
            let path = seq >= last ? nil : IntervalNode.path(to: seq, head: last)
            var found: [(link: LinkView, position: ListingPosition)] = []
            for section in try sections(of: record, atSeq: seq, type: type, direction: direction, after: start) {
                found += try links(in: section, of: id, record: record, atSeq: seq, path: path, limit: limit + 1 - found.count)
                if found.count > limit { break }
            }
            let page = found.prefix(limit)
            return (page.map(\.link), found.count > limit ? page.last?.position : nil)
        }
    }

    /// The sections of a listing in order, from `start`'s on: the types in
    /// which a record of this type can be on each side, by ID. The default
    /// listing's `to` side holds only types bidirectional at `seq`.
    private func sections(of record: RecordRef, atSeq seq: Int64, type only: RelationshipType?, direction: LinkDirection?,
                          after start: ListingPosition?) throws(LedgerError) -> [Section] {
        let sides: [LinkSide] = switch direction {
        case .outbound: [.from]
        case .inbound: [.to]
        case .both, nil: [.from, .to]
        }
        let startID = start.flatMap { typesByNumber[$0.type]?.id }
        var sections: [Section] = []
        for side in sides where !(side == .from && start?.side == .to) {
            let types = typesByNumber.filter { number, type in
                (side == .from ? type.key.fromType : type.key.toType).utf8.elementsEqual(record.type.utf8) && (only == nil || only?.id == type.id)
            }
            for (number, type) in types.sorted(by: { utf8Less($0.value.id, $1.value.id) }) {
                let atStart = start?.side == side && start?.type == number
                if start?.side == side, let startID, !atStart, utf8Less(type.id, startID) { continue }
                if direction == nil, side == .to, try !wasBidirectional(number, atSeq: seq) { continue }
                sections.append(Section(side: side, number: number, type: type, afterOther: atStart ? start?.other ?? 0 : 0))
            }
        }
        return sections
    }

    private func wasBidirectional(_ type: Int64, atSeq seq: Int64) throws(LedgerError) -> Bool {
        let statement = try db.statement(
            "SELECT bidirectional FROM relationship_type_versions WHERE type = ?1 AND from_seq <= ?2 ORDER BY from_seq DESC LIMIT 1")
        defer { statement.reset() }
        statement.bind(1, type).bind(2, seq)
        return try statement.step() && statement.int(0) != 0
    }

    /// Up to `limit` links of one section after its start, by the other
    /// record's number: the current links for the last seq (`path` nil),
    /// else the versions alive at `seq` on the nodes of `path`.
    private func links(in section: Section, of id: Int64, record: RecordRef, atSeq seq: Int64, path: [Int64]?,
                       limit: Int) throws(LedgerError) -> [(link: LinkView, position: ListingPosition)] {
        let statement = try db.statement(path.map { Self.versionsQuery(section.side, nodes: $0.count) } ?? Self.currentQuery(section.side))
        defer { statement.reset() }
        statement.bind(1, section.number).bind(2, id).bind(3, section.afterOther).bind(4, Int64(limit))
        if let path {
            statement.bind(5, seq)
            for (index, node) in path.enumerated() { statement.bind(Int32(index + 6), node) }
        }
        var links: [(link: LinkView, position: ListingPosition)] = []
        while try statement.step() {
            guard let other = RecordRef(parsing: statement.string(1)) else {
                throw LedgerError(.ledgerDamaged, "the projection holds a malformed record")
            }
            let outbound = section.side == .from
            let link = LinkView(
                type: section.type, direction: outbound ? .forward : .inverse, from: outbound ? record : other, to: outbound ? other : record,
                attributes: try Self.attributes(statement.bytes(2)),
                linkedSeq: statement.int(3), linkedAt: Timestamp(millisecondsSinceEpoch: statement.int(4)),
                versionSeq: statement.int(5), versionAt: Timestamp(millisecondsSinceEpoch: statement.int(6)))
            links.append((link, ListingPosition(side: section.side, type: section.number, other: statement.int(0))))
        }
        return links
    }

    /// The record's column and the other record's, for the record on `side`.
    private static func columns(_ side: LinkSide) -> (record: String, other: String) {
        side == .from ? ("from_record", "to_record") : ("to_record", "from_record")
    }

    /// Current links of type ?1 with record ?2 on `side`, other record
    /// after ?3, at most ?4: one range of `links`, by its own key (type,
    /// from, to) or by `links_by_to` (type, to, and the key's from).
    static func currentQuery(_ side: LinkSide) -> String {
        let (record, other) = columns(side)
        return """
            SELECT l.\(other), r.ref, v.attributes, v.linked_seq, v.linked_at, v.from_seq, v.from_at
            FROM links l \(side == .from ? "NOT INDEXED" : "INDEXED BY links_by_to")
            JOIN link_versions v ON v.id = l.version_id JOIN records r ON r.id = l.\(other)
            WHERE l.type = ?1 AND l.\(record) = ?2 AND l.\(other) > ?3 ORDER BY l.\(other) LIMIT ?4
            """
    }

    /// The same as of seq ?5 over the `nodes` interval tree nodes ?6…:
    /// one range per node, each in the other record's order, merged (SQLite
    /// merges ordered arms of a compound select lazily), so no node is read
    /// further than the page needs.
    static func versionsQuery(_ side: LinkSide, nodes: Int) -> String {
        let (record, other) = columns(side)
        let arms = (0..<nodes).map { place in
            """
            SELECT id, \(other) AS other FROM link_versions INDEXED BY \(side == .from ? "versions_by_from" : "versions_by_to")
            WHERE \(record) = ?2 AND type = ?1 AND node = ?\(place + 6) AND \(other) > ?3 AND from_seq <= ?5 AND to_seq > ?5
            """
        }
        return """
            SELECT c.other, r.ref, v.attributes, v.linked_seq, v.linked_at, v.from_seq, v.from_at
            FROM (\(arms.joined(separator: " UNION ALL ")) ORDER BY other LIMIT ?4) c
            JOIN link_versions v ON v.id = c.id JOIN records r ON r.id = c.other ORDER BY c.other
            """
    }
}
