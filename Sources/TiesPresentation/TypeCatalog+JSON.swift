import TiesCore
import TiesStore

extension TypeCatalog {
    public var jsonValue: JSONValue {
        .object([
            "objectTypes": .array(objectTypes.map(\.jsonValue)),
            "relationshipTypes": .array(relationshipTypes.map(\.jsonValue)),
        ])
    }
}
