import TiesCore

/// Pages of a diff between the states at two seqs, read from the stored
/// version intervals (the Projection article): a link differs between
/// seqs A < B only if one of its versions starts or ends in (A, B], so the
/// candidates are the version boundaries there — found through
/// `versions_by_from_seq` and `versions_by_to_seq`, or through a record's
/// own version indexes — and the boundaries themselves say which versions
/// were valid at A and at B (`DiffBoundaries`), whose attributes are compared.
extension Projection {
    /// Where a diff stands: the last link shown, by interned numbers.
    struct DiffPosition: Equatable {
        var type: Int64
        var from: Int64
        var to: Int64
    }

    /// Up to `limit` links after `start` that differ between the state at
    /// `first` and at `second` (either may be the later), in (type, from, to)
    /// number order; only links of `type`, only links `record` is an end of,
    /// when given. `next` is the last one's position when more follow.
    func diffPage(from first: Int64, to second: Int64, record: RecordRef?, type: Int64?, after start: DiffPosition?,
                  limit: Int) throws(LedgerError) -> (differences: [LinkDiff.Difference], next: DiffPosition?) {
        try db.reading { () throws(LedgerError) in
            var recordID: Int64?
            if let record {
                guard let id = try self.recordID(record) else { return ([], nil) }
                recordID = id
            }
            let boundaries = try db.statement(Self.boundariesQuery(byRecord: recordID != nil, byType: type != nil))
            defer { boundaries.reset() }
            let start = start ?? DiffPosition(type: 0, from: 0, to: 0)
            boundaries.bind(1, min(first, second)).bind(2, max(first, second))
                .bind(3, start.type).bind(4, start.from).bind(5, start.to).bind(6, recordID).bind(7, type)
            var found: [(position: DiffPosition, before: Attributes?, after: Attributes?)] = []
            var link: DiffBoundaries?
            func finish() throws(LedgerError) {
                guard let link else { return }
                let (earlier, later) = (try attributes(ofVersion: link.validAtStart), try attributes(ofVersion: link.validAtEnd))
                let (before, after) = first <= second ? (earlier, later) : (later, earlier)
                if before != after { found.append((link.position, before, after)) }
            }
            while found.count <= limit, try boundaries.step() {
                let position = DiffPosition(type: boundaries.int(0), from: boundaries.int(1), to: boundaries.int(2))
                let boundary = DiffBoundaries.Boundary(isEnd: boundaries.int(4) == 0, version: boundaries.int(5))
                if link?.position == position {
                    link?.add(boundary)
                } else {
                    try finish()
                    link = DiffBoundaries(position: position, first: boundary)
                }
            }
            if found.count <= limit { try finish() }
            let page = found.prefix(limit)
            var differences: [LinkDiff.Difference] = []
            for (position, before, after) in page {
                guard let linkType = typesByNumber[position.type] else {
                    throw LedgerError(.ledgerDamaged, "the projection holds a link version of an unknown type")
                }
                differences.append(LinkDiff.Difference(type: linkType, from: try recordRef(numbered: position.from),
                                                       to: try recordRef(numbered: position.to), before: before, after: after))
            }
            return (differences, found.count > limit ? page.last?.position : nil)
        }
    }

    /// The attributes of link version `id`, nil for no version.
    private func attributes(ofVersion id: Int64?) throws(LedgerError) -> Attributes? {
        guard let id else { return nil }
        let statement = try db.statement("SELECT attributes FROM link_versions WHERE id = ?1")
        defer { statement.reset() }
        statement.bind(1, id)
        guard try statement.step() else { throw LedgerError(.ledgerDamaged, "the projection has no link version \(id)") }
        return try Self.attributes(statement.bytes(0))
    }

    /// The record interned as `number`: only the page's differences are
    /// looked up, not every candidate.
    private func recordRef(numbered number: Int64) throws(LedgerError) -> RecordRef {
        let statement = try db.statement("SELECT ref FROM records WHERE id = ?1")
        defer { statement.reset() }
        statement.bind(1, number)
        guard try statement.step(), let record = RecordRef(parsing: statement.string(0)) else {
            throw LedgerError(.ledgerDamaged, "the projection holds a link version of a missing or malformed record \(number)")
        }
        return record
    }

    /// Every version boundary in (?1, ?2] of the links after (?3, ?4, ?5)
    /// in number order — link, `is_start` (0 for an end, 1 for a start) and
    /// the version's ID — ordered by link, then seq, ends before starts:
    /// of record ?6 through its version indexes when `byRecord`, else
    /// through the seq indexes; of type ?7 when `byType`. Every arm reads
    /// its index only (the row ID is in every index).
    static func boundariesQuery(byRecord: Bool, byType: Bool) -> String {
        let typeClause = byType ? " AND type = ?7" : ""
        let after = " AND (type, from_record, to_record) > (?3, ?4, ?5)"
        let arms = byRecord
            ? ["versions_by_from WHERE from_record = ?6", "versions_by_to WHERE to_record = ?6"].flatMap { scan in
                [("from_seq", 1), ("to_seq", 0)].map { column, isStart in
                    "SELECT type, from_record, to_record, \(column) AS seq, \(isStart) AS is_start, id FROM link_versions INDEXED BY \(scan)"
                        + "\(typeClause) AND \(column) > ?1 AND \(column) <= ?2\(after)"
                }
            }
            : [("versions_by_from_seq", "from_seq", 1, ""), ("versions_by_to_seq", "to_seq", 0, " AND \(ProjectionSchema.endedVersions)")]
                .map { index, column, isStart, partial in
                    "SELECT type, from_record, to_record, \(column) AS seq, \(isStart) AS is_start, id FROM link_versions INDEXED BY \(index)"
                        + " WHERE \(column) > ?1 AND \(column) <= ?2\(partial)\(typeClause)\(after)"
                }
        return arms.joined(separator: " UNION ALL ") + " ORDER BY 1, 2, 3, 4, 5"
    }
}
