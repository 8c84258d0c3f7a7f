import TiesCore

/// Pages of a diff between the states at two seqs, read from the stored
/// version intervals (the Projection article): a link differs between
/// seqs A < B only if one of its versions starts or ends in (A, B], so the
/// candidates are the versions with a boundary there — found through
/// `versions_by_from_seq` and `versions_by_to_seq`, or through a record's
/// own version indexes — and each candidate's versions valid at the two
/// seqs are looked up on their interval tree paths and compared.
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
            let candidates = try db.statement(Self.candidatesQuery(byRecord: recordID != nil, byType: type != nil))
            defer { candidates.reset() }
            let start = start ?? DiffPosition(type: 0, from: 0, to: 0)
            candidates.bind(1, min(first, second)).bind(2, max(first, second))
                .bind(3, start.type).bind(4, start.from).bind(5, start.to).bind(6, recordID).bind(7, type)
            let last = try lastSeq()
            let paths = (IntervalNode.path(to: first, head: last), IntervalNode.path(to: second, head: last))
            var found: [(position: DiffPosition, before: Attributes?, after: Attributes?)] = []
            while found.count <= limit, try candidates.step() {
                let position = DiffPosition(type: candidates.int(0), from: candidates.int(1), to: candidates.int(2))
                let before = try attributes(of: position, atSeq: first, path: paths.0)
                let after = try attributes(of: position, atSeq: second, path: paths.1)
                if before != after { found.append((position, before, after)) }
            }
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

    /// The attributes of a link's version valid at `seq`, nil when it was
    /// not current: one lookup per node of `seq`'s interval tree path.
    private func attributes(of link: DiffPosition, atSeq seq: Int64, path: [Int64]) throws(LedgerError) -> Attributes? {
        let statement = try db.statement(Self.versionAtQuery(nodes: path.count))
        defer { statement.reset() }
        statement.bind(1, link.type).bind(2, link.from).bind(3, link.to).bind(4, seq)
        for (index, node) in path.enumerated() { statement.bind(Int32(index + 5), node) }
        return try statement.step() ? try Self.attributes(statement.bytes(0)) : nil
    }

    /// The attributes of link (?1, ?2, ?3)'s version valid at ?4 among
    /// those filed at the `nodes` nodes ?5…: one key lookup per node.
    static func versionAtQuery(nodes: Int) -> String {
        let places = (0..<nodes).map { "?\($0 + 5)" }.joined(separator: ", ")
        return """
            SELECT attributes FROM link_versions INDEXED BY versions_by_from
            WHERE from_record = ?2 AND type = ?1 AND node IN (\(places)) AND to_record = ?3 AND from_seq <= ?4 AND to_seq > ?4
            """
    }

    /// The distinct links with a version starting or ending in (?1, ?2],
    /// after (?3, ?4, ?5) in number order: of record ?6 through its version
    /// indexes when `byRecord`, else through the seq indexes; of type ?7
    /// when `byType`. Each arm is sorted on its own and the two merged, and
    /// records are not joined here: a page names a hundred of the thousands
    /// of candidates a busy span has.
    static func candidatesQuery(byRecord: Bool, byType: Bool) -> String {
        let typeClause = byType ? " AND type = ?7" : ""
        let arms = byRecord
            ? ["versions_by_from WHERE from_record = ?6", "versions_by_to WHERE to_record = ?6"].map { scan in
                "\(scan)\(typeClause) AND ((from_seq > ?1 AND from_seq <= ?2) OR (to_seq > ?1 AND to_seq <= ?2))"
            }
            : ["versions_by_from_seq WHERE from_seq > ?1 AND from_seq <= ?2", "versions_by_to_seq WHERE to_seq > ?1 AND to_seq <= ?2"].map { scan in
                "\(scan)\(typeClause)"
            }
        return arms.map { arm in
            "SELECT type, from_record, to_record FROM link_versions INDEXED BY \(arm) AND (type, from_record, to_record) > (?3, ?4, ?5)"
        }.joined(separator: " UNION ") + " ORDER BY 1, 2, 3"
    }
}
