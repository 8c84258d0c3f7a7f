/// What queries check before they look anything up (TiesCore.docc/Rules.md):
/// a query naming a type that does not exist is a mistake to report, with
/// close names, never an empty answer that looks like "no links".
public enum QueryRules {
    /// A record's type must be `person` or a defined custom object type;
    /// otherwise `unknown_object_type` with `suggestions` (`person` among the
    /// candidates), naming `field`.
    public static func requireRecordType(_ record: RecordRef, field: String, in state: any LedgerStateView) throws(LedgerError) {
        guard record.type != RecordRef.personType, try state.objectType(named: record.type) == nil else { return }
        throw ObjectTypeRules.unknownType(record.type, field: field, candidates: try state.objectTypeNames() + [RecordRef.personType])
    }

    /// The relationship type a query names, by ID or by key: an unknown one
    /// is `unknown_relationship_type`, a key naming an undefined object type
    /// `unknown_object_type` (as when an operation names it).
    public static func relationshipType(_ reference: RelationshipTypeReference, in state: any LedgerStateView) throws(LedgerError) -> RelationshipType {
        try RelationshipTypeRules.resolve(reference, in: state)
    }
}
