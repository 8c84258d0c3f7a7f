/// `person_to_co` (person → custom object) or `co_to_co` (parent → child).
public enum RelationshipKind: String, Sendable, Hashable, CaseIterable {
    case personToCo = "person_to_co"
    case coToCo = "co_to_co"
}
