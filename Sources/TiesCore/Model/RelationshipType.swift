/// A registered relationship type: its stable ID, its key and its optional
/// refinements.
public struct RelationshipType: Hashable, Sendable {
    public var id: String
    public var key: RelationshipTypeKey
    public var cardinality: Cardinality?
    public var description: String?
    public var bidirectional: Bool

    public init(id: String, key: RelationshipTypeKey, cardinality: Cardinality?, description: String?, bidirectional: Bool) {
        self.id = id
        self.key = key
        self.cardinality = cardinality
        self.description = description
        self.bidirectional = bidirectional
    }

    /// The effective cardinality: no cardinality constrains nothing.
    public var effectiveCardinality: Cardinality { cardinality ?? .manyToMany }
}

/// Attribute maps: keys to JSON scalars.
public typealias Attributes = [String: JSONValue]

extension RelationshipType {
    /// The field names of the registration event (TiesCore.docc/Events.md).
    public var jsonValue: JSONValue {
        let fields: [String: JSONValue] = [
            "relationshipTypeId": .string(id), "bidirectional": .bool(bidirectional),
            "cardinality": cardinality.map { .string($0.rawValue) } ?? .null,
            "description": description.map(JSONValue.string) ?? .null,
        ]
        return .object(fields.merging(key.jsonFields) { _, keyField in keyField })
    }
}
