/// What one operation did, for the caller's answer (CLI output, HTTP body).
public enum OperationResult: Hashable, Sendable {
    case objectType(ObjectType, created: Bool, changed: Bool)
    case relationshipType(RelationshipType, created: Bool, changed: Bool)
    case link(LinkKey, created: Bool, changed: Bool)
    case attributes(LinkKey, changed: Bool)
    case unlink(LinkKey)
    case record(RecordRef, created: Bool, changed: Bool)
    case erased(RecordRef, changed: Bool)

    /// False for operations that found things already as asked.
    public var appendedEvents: Bool {
        switch self {
        case .objectType(_, _, let changed), .relationshipType(_, _, let changed), .link(_, _, let changed), .attributes(_, let changed),
             .record(_, _, let changed), .erased(_, let changed):
            return changed
        case .unlink:
            return true
        }
    }
}
