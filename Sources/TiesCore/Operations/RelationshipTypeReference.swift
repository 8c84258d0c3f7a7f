/// How an operation names a relationship type: by ID, or by its key so that a
/// file can be written before IDs are known.
public enum RelationshipTypeReference: Hashable, Sendable, CustomStringConvertible {
    case id(String)
    case key(RelationshipTypeKey)

    public var description: String {
        switch self {
        case .id(let id): return id
        case .key(let key): return key.description
        }
    }
}
