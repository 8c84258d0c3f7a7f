import TiesCore

extension Ledger {
    /// A page of what differs between the state as of `first` and as of
    /// `second` (TiesCore.docc/Rules.md, "Diff"): links current at `second`
    /// only (added), at `first` only (removed), or at both with other
    /// attributes (changed). `first` may be the later point: the diff then
    /// reads backwards in time. `record` keeps the links it is an end of,
    /// `type` those of one type; `cursor`, the `next` of the page before,
    /// continues the diff between the seqs of its first page, whatever the
    /// points say. A record of an undefined object type is
    /// `unknown_object_type`; an unknown type `unknown_relationship_type`.
    public func diff(from first: AsOf, to second: AsOf, record: RecordRef? = nil, type: RelationshipTypeReference? = nil,
                     limit: Int = Limits.diffPageSizeDefault, after cursor: String? = nil) throws(LedgerError) -> LinkDiff {
        try Self.checkPageSize(limit)
        return try projection.db.reading { () throws(LedgerError) in
            if let record { try QueryRules.requireRecordType(record, field: "record", in: projection) }
            let number = try type.map { (reference: RelationshipTypeReference) throws(LedgerError) -> Int64 in
                let type = try QueryRules.relationshipType(reference, in: projection)
                guard let number = try projection.queryTypeNumber(type.id) else {
                    throw LedgerError(.ledgerDamaged, "the projection has no number for relationship type \(type.id)")
                }
                return number
            }
            let start = try cursor.map { (text: String) throws(LedgerError) in try diffStart(text) }
            let (fromSeq, toSeq) = if let start { (start.fromSeq, start.toSeq) } else {
                (try projection.resolve(first).seq, try projection.resolve(second).seq)
            }
            let page = try projection.diffPage(from: fromSeq, to: toSeq, record: record, type: number, after: start?.position, limit: limit)
            return LinkDiff(fromSeq: fromSeq, toSeq: toSeq, differences: page.differences,
                            next: page.next.map { DiffCursor(fromSeq: fromSeq, toSeq: toSeq, position: $0).encoded })
        }
    }

    /// A diff cursor this ledger could have issued: its seqs not past the head, its type known.
    private func diffStart(_ text: String) throws(LedgerError) -> DiffCursor {
        let cursor = try DiffCursor(decoding: text)
        guard max(cursor.fromSeq, cursor.toSeq) <= projection.head.seq, projection.typesByNumber[cursor.position.type] != nil else {
            throw .cursorNotIssued
        }
        return cursor
    }
}
