/// How an operation names a relationship type: by ID, or by its key so that a
/// file can be written before IDs are known.
public enum RelationshipTypeReference: Hashable, Sendable, CustomStringConvertible {
    case id(String)
    case key(RelationshipTypeKey)

    /// The spelling of the CLI and of query parameters: an `rt_…` ID,
    /// `role/objecttype` (person_to_co) or `role/parent/child` (co_to_co);
    /// nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1 where text.hasPrefix("rt_"): self = .id(text)
        case 2: self = .key(.personToCo(role: parts[0], objectType: parts[1]))
        case 3: self = .key(.coToCo(role: parts[0], parent: parts[1], child: parts[2]))
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .id(let id): return id
        case .key(let key): return key.description
        }
    }
}
