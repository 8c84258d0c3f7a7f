/// The log vocabulary (TiesCore.docc/Events.md). Events are facts: they are validated once,
/// when decided, and replayed as they are.
public enum Event: Hashable, Sendable {
    case objectTypeDefined(ObjectType)
    case relationshipTypeRegistered(RelationshipType)
    case relationshipTypeUpdated(id: String, change: RelationshipTypeChange)
    case linked(LinkKey, attributes: Attributes, matchedBy: MatchedBy = MatchedBy())
    case unlinked(LinkKey, matchedBy: MatchedBy = MatchedBy())
    case attributesChanged(LinkKey, set: Attributes, unset: [String], matchedBy: MatchedBy = MatchedBy())
    case recordUpserted(RecordRef, set: [String: FieldValue], unset: [String])
    case recordErased(RecordRef)

    /// The event's name in the log (`"type"` field).
    public var name: String {
        switch self {
        case .objectTypeDefined: return "objectType.defined"
        case .relationshipTypeRegistered: return "relationshipType.registered"
        case .relationshipTypeUpdated: return "relationshipType.updated"
        case .linked: return "relationship.linked"
        case .unlinked: return "relationship.unlinked"
        case .attributesChanged: return "relationship.attributesChanged"
        case .recordUpserted: return "record.upserted"
        case .recordErased: return "record.erased"
        }
    }

    /// The link an event is about, if it is a link event.
    public var link: LinkKey? {
        switch self {
        case .linked(let key, _, _), .unlinked(let key, _), .attributesChanged(let key, _, _, _): return key
        case .objectTypeDefined, .relationshipTypeRegistered, .relationshipTypeUpdated, .recordUpserted, .recordErased: return nil
        }
    }

    /// The record a record event is about.
    public var record: RecordRef? {
        switch self {
        case .recordUpserted(let record, _, _), .recordErased(let record): return record
        case .objectTypeDefined, .relationshipTypeRegistered, .relationshipTypeUpdated, .linked, .unlinked, .attributesChanged: return nil
        }
    }
}
