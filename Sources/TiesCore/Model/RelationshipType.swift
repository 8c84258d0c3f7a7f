/// `person_to_co` (person → custom object) or `co_to_co` (parent → child).
public enum RelationshipKind: String, Sendable, Hashable, CaseIterable {
    case personToCo = "person_to_co"
    case coToCo = "co_to_co"
}

/// How many links a record may have on each side of one relationship type.
public enum Cardinality: String, Sendable, Hashable, CaseIterable {
    case oneToOne = "ONE_TO_ONE"
    case oneToMany = "ONE_TO_MANY"
    case manyToOne = "MANY_TO_ONE"
    case manyToMany = "MANY_TO_MANY"

    /// A `to` record may have at most one `from` (ONE_TO_MANY, ONE_TO_ONE).
    public var limitsFromsPerTo: Bool { self == .oneToMany || self == .oneToOne }
    /// A `from` record may have at most one `to` (MANY_TO_ONE, ONE_TO_ONE).
    public var limitsTosPerFrom: Bool { self == .manyToOne || self == .oneToOne }
}

/// What identifies a relationship type for upserts: kind, role and the object
/// types at both ends (`person` on the from side of `person_to_co`).
public struct RelationshipTypeKey: Hashable, Sendable, CustomStringConvertible {
    public var kind: RelationshipKind
    public var role: String
    public var fromType: String
    public var toType: String

    public init(kind: RelationshipKind, role: String, fromType: String, toType: String) {
        self.kind = kind
        self.role = role
        self.fromType = fromType
        self.toType = toType
    }

    /// A person_to_co key: person → `customObjectType`.
    public static func personToCo(role: String, objectType: String) -> RelationshipTypeKey {
        RelationshipTypeKey(kind: .personToCo, role: role, fromType: RecordRef.personType, toType: objectType)
    }

    /// A co_to_co key: `parent` → `child`.
    public static func coToCo(role: String, parent: String, child: String) -> RelationshipTypeKey {
        RelationshipTypeKey(kind: .coToCo, role: role, fromType: parent, toType: child)
    }

    /// The CLI spelling: `role/objecttype` or `role/parent/child`.
    public var description: String {
        kind == .personToCo ? "\(role)/\(toType)" : "\(role)/\(fromType)/\(toType)"
    }
}

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

/// The optional fields a re-registration may change (`relationshipType.updated`
/// carries only those that did).
public struct RelationshipTypeChange: Hashable, Sendable {
    public var cardinality: Cardinality?
    public var description: String?
    public var bidirectional: Bool?

    public init(cardinality: Cardinality? = nil, description: String? = nil, bidirectional: Bool? = nil) {
        self.cardinality = cardinality
        self.description = description
        self.bidirectional = bidirectional
    }

    public var isEmpty: Bool { cardinality == nil && description == nil && bidirectional == nil }

    /// The type with this change applied; omitted fields are preserved.
    public func applied(to type: RelationshipType) -> RelationshipType {
        var updated = type
        if let cardinality { updated.cardinality = cardinality }
        if let description { updated.description = description }
        if let bidirectional { updated.bidirectional = bidirectional }
        return updated
    }
}

/// A defined custom object type.
public struct ObjectType: Hashable, Sendable {
    public var name: String
    public var description: String?

    public init(name: String, description: String?) {
        self.name = name
        self.description = description
    }
}

/// One link's identity: at most one current link per triple (SPEC §1).
public struct LinkKey: Hashable, Sendable {
    public var typeId: String
    public var from: RecordRef
    public var to: RecordRef

    public init(typeId: String, from: RecordRef, to: RecordRef) {
        self.typeId = typeId
        self.from = from
        self.to = to
    }
}

/// Attribute maps: keys to JSON scalars.
public typealias Attributes = [String: JSONValue]
