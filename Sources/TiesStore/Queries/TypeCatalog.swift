import TiesCore

/// Object and relationship types.
public struct TypeCatalog: Sendable, Equatable {
    public var objectTypes: [ObjectType]
    public var relationshipTypes: [RelationshipType]
}
