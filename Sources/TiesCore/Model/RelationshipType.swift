/// A registered relationship type: its stable ID, its key and its optional
/// refinements.
public struct RelationshipType: Hashable, Sendable {
    public var id: String
    public var key: RelationshipTypeKey
    public var cardinality: Cardinality?
    public var description: String?
    public var bidirectional: Bool
    /// The link's name seen from its `to` record (`placed_by` for `placed`);
    /// nil: the role names it from both sides.
    public var inverseRole: String?

    public init(id: String, key: RelationshipTypeKey, cardinality: Cardinality?, description: String?, bidirectional: Bool,
                inverseRole: String? = nil) {
        self.id = id
        self.key = key
        self.cardinality = cardinality
        self.description = description
        self.bidirectional = bidirectional
        self.inverseRole = inverseRole
    }

    /// The effective cardinality: no cardinality constrains nothing.
    public var effectiveCardinality: Cardinality { cardinality ?? .manyToMany }

    /// What a link of this type is called from one of its records: the role
    /// from the `from` record, the inverse role (when set) from the `to` record.
    public func label(onToSide: Bool) -> String {
        onToSide ? inverseRole ?? key.role : key.role
    }
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
            "inverseRole": inverseRole.map(JSONValue.string) ?? .null,
        ]
        return .object(fields.merging(key.jsonFields) { _, keyField in keyField })
    }
}
