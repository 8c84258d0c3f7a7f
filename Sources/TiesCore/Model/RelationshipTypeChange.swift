/// The optional fields a re-registration may change (`relationshipType.updated`
/// carries only those that did).
public struct RelationshipTypeChange: Hashable, Sendable {
    public var cardinality: Cardinality?
    public var description: String?
    public var bidirectional: Bool?
    public var inverseRole: String?

    public init(cardinality: Cardinality? = nil, description: String? = nil, bidirectional: Bool? = nil, inverseRole: String? = nil) {
        self.cardinality = cardinality
        self.description = description
        self.bidirectional = bidirectional
        self.inverseRole = inverseRole
    }

    public var isEmpty: Bool { cardinality == nil && description == nil && bidirectional == nil && inverseRole == nil }

    /// The type with this change applied; omitted fields are preserved.
    public func applied(to type: RelationshipType) -> RelationshipType {
        var updated = type
        if let cardinality { updated.cardinality = cardinality }
        if let description { updated.description = description }
        if let bidirectional { updated.bidirectional = bidirectional }
        if let inverseRole { updated.inverseRole = inverseRole }
        return updated
    }
}
