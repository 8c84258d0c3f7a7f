/// What the decider needs to know about the current state. The SQLite
/// projection answers with indexed lookups; `CommitOverlay` layers the
/// events of the commit being decided on top, so later operations in a
/// commit see earlier ones.
///
/// Methods throw only storage failures (`io_error`, `ledger_damaged`).
public protocol LedgerStateView {
    func objectType(named name: String) throws(LedgerError) -> ObjectType?
    func objectTypeNames() throws(LedgerError) -> [String]
    func relationshipType(id: String) throws(LedgerError) -> RelationshipType?
    func relationshipType(key: RelationshipTypeKey) throws(LedgerError) -> RelationshipType?
    /// The attributes of the current link, or nil when it does not exist.
    func attributes(of link: LinkKey) throws(LedgerError) -> Attributes?
    /// Up to `limit` records currently linked to `record` in type `typeId`,
    /// where `record` is on `side` (so `.to` returns its `from` records).
    func partners(typeId: String, of record: RecordRef, on side: LinkSide, limit: Int) throws(LedgerError) -> [RecordRef]
    /// Up to `limit` records on `side` that have more than one partner in
    /// type `typeId`: the evidence that a cardinality cannot be tightened.
    func crowdedRecords(typeId: String, on side: LinkSide, limit: Int) throws(LedgerError) -> [RecordRef]
}
