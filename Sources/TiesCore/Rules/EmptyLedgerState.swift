/// A state with nothing in it: the base of a fresh in-memory ledger.
public struct EmptyLedgerState: LedgerStateView {
    public init() {}
    public func objectType(named name: String) throws(LedgerError) -> ObjectType? { nil }
    public func objectTypeNames() throws(LedgerError) -> [String] { [] }
    public func relationshipType(id: String) throws(LedgerError) -> RelationshipType? { nil }
    public func relationshipType(key: RelationshipTypeKey) throws(LedgerError) -> RelationshipType? { nil }
    public func attributes(of link: LinkKey) throws(LedgerError) -> Attributes? { nil }
    public func partners(typeId: String, of record: RecordRef, on side: LinkSide, limit: Int) throws(LedgerError) -> [RecordRef] { [] }
    public func crowdedRecords(typeId: String, on side: LinkSide, limit: Int) throws(LedgerError) -> [RecordRef] { [] }
    public func record(_ record: RecordRef) throws(LedgerError) -> RecordState? { nil }
    public func records(ofType type: String, field: String, holding value: JSONValue, limit: Int) throws(LedgerError) -> [RecordRef] { [] }
    public func recordsSharingValues(ofType type: String, field: String, limit: Int) throws(LedgerError) -> [RecordRef] { [] }
}
