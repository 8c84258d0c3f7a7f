/// What one operation did, for the caller's answer (CLI output, HTTP body).
public enum OperationResult: Hashable, Sendable {
    case objectType(ObjectType, created: Bool, changed: Bool)
    case relationshipType(RelationshipType, created: Bool, changed: Bool)
    case link(LinkKey, created: Bool, changed: Bool)
    case attributes(LinkKey, changed: Bool)
    case unlink(LinkKey)
}
