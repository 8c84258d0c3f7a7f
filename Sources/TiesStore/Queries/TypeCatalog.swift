import TiesCore

/// Object and relationship types.
public struct TypeCatalog: Sendable, Equatable {
    public var objectTypes: [ObjectType]
    public var relationshipTypes: [RelationshipType]

    public var jsonValue: JSONValue {
        .object([
            "objectTypes": .array(objectTypes.map(\.jsonValue)),
            "relationshipTypes": .array(relationshipTypes.map(\.jsonValue)),
        ])
    }
}
