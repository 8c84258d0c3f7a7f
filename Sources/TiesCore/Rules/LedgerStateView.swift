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
    /// A record's current fields; nil when it was never upserted.
    func record(_ record: RecordRef) throws(LedgerError) -> RecordState?
    /// Up to `limit` records of `type` whose field `field` now holds `value`
    /// (compared as JSON values), in record order. Erased records hold nothing.
    func records(ofType type: String, field: String, holding value: JSONValue, limit: Int) throws(LedgerError) -> [RecordRef]
    /// Up to `limit` records of `type` whose `field` value another record
    /// of the type also holds: the evidence that it cannot be made unique.
    func recordsSharingValues(ofType type: String, field: String, limit: Int) throws(LedgerError) -> [RecordRef]
}

extension LedgerStateView {
    /// A defined type, or `person` (built in) even before anything refined it.
    public func objectTypeOrBuiltIn(named name: String) throws(LedgerError) -> ObjectType? {
        if let type = try objectType(named: name) { return type }
        return name == RecordRef.personType ? .person : nil
    }
}

/// A record as the decider sees it: its current fields, or that it was erased.
public struct RecordState: Hashable, Sendable {
    public var fields: Attributes
    public var erased: Bool

    public init(fields: Attributes, erased: Bool) {
        self.fields = fields
        self.erased = erased
    }
}
