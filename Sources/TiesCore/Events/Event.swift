/// The log vocabulary (TiesCore.docc/Events.md). Events are facts: they are validated once,
/// when decided, and replayed as they are.
public enum Event: Hashable, Sendable {
    case objectTypeDefined(ObjectType)
    case relationshipTypeRegistered(RelationshipType)
    case relationshipTypeUpdated(id: String, change: RelationshipTypeChange)
    case linked(LinkKey, attributes: Attributes)
    case unlinked(LinkKey)
    case attributesChanged(LinkKey, set: Attributes, unset: [String])

    /// The event's name in the log (`"type"` field).
    public var name: String {
        switch self {
        case .objectTypeDefined: return "objectType.defined"
        case .relationshipTypeRegistered: return "relationshipType.registered"
        case .relationshipTypeUpdated: return "relationshipType.updated"
        case .linked: return "relationship.linked"
        case .unlinked: return "relationship.unlinked"
        case .attributesChanged: return "relationship.attributesChanged"
        }
    }

    /// The link an event is about, if it is a link event.
    public var link: LinkKey? {
        switch self {
        case .linked(let key, _), .unlinked(let key), .attributesChanged(let key, _, _): return key
        case .objectTypeDefined, .relationshipTypeRegistered, .relationshipTypeUpdated: return nil
        }
    }
}
