import TiesCore

/// `ties restore` and `POST /v1/relationships/restore`: the store reads
/// what the link was at the past point (history never changes, so any
/// connection may read it), and the writer decides the restore against
/// the state it commits on, like any other operation.
extension Ledger {
    /// The operation that makes the link as it was at `point`;
    /// `relationship_not_found` when it was not linked then. Records are
    /// named by ID (a match resolves against the current state, which is
    /// not the point in time a restore is about).
    public func restoreOperation(_ request: LinkRequest, asOf point: AsOf) throws(LedgerError) -> Operation {
        let type = try QueryRules.relationshipType(request.type, in: projection)
        guard case .id(let fromID) = request.from, case .id(let toID) = request.to else {
            throw LedgerError(.invalidField, "a restore names its records by ID, not by a match", details: ["field": .string("match")])
        }
        try Validation.recordID(fromID, field: "from")
        try Validation.recordID(toID, field: "to")
        let key = LinkKey(typeId: type.id, from: RecordRef(type: type.key.fromType, id: fromID), to: RecordRef(type: type.key.toType, id: toID))
        let seq = try projection.resolve(point).seq
        // Read here and decided on the writer: a point before the head is
        // history, which never changes; "now" would be whatever this reader
        // saw, and could undo a write that lands in between.
        guard seq < projection.head.seq else {
            throw LedgerError(.invalidField, "restore needs a point before the head (seq \(projection.head.seq)): the link is as it is now",
                              details: ["field": .string("asOf"), "headSeq": .int(projection.head.seq)])
        }
        guard let attributes = try projection.attributes(of: key, atSeq: seq) else {
            throw LedgerError(.relationshipNotFound, "\(key.from) → \(key.to) was not linked in \(key.typeId) as of seq \(seq)",
                              details: ["relationship": linkJSON(key), "asOfSeq": .int(seq)])
        }
        return .restoreLink(LinkRequest(type: .id(type.id), from: request.from, to: request.to, style: request.style), attributes: attributes)
    }
}
