/// One thing a user asks the ledger to do (SPEC §3): an import line, a CLI
/// write, an HTTP request or one item of a batch. The decider turns
/// operations into events, or rejects them.
public enum Operation: Hashable, Sendable {
    case defineObjectType(ObjectType)
    case registerRelationshipType(Registration)
    case link(LinkRequest, attributes: Attributes)
    case setAttributes(LinkRequest, set: Attributes, unset: [String])
    case unlink(LinkRequest)

    /// The `op` names of SPEC §3.
    public static let names = ["defineObjectType", "registerRelationshipType", "link", "setAttributes", "unlink"]
}

/// `registerRelationshipType`: the key plus the optional fields; nil means
/// "not given", so a re-registration preserves it.
public struct Registration: Hashable, Sendable {
    public var key: RelationshipTypeKey
    public var cardinality: Cardinality?
    public var description: String?
    public var bidirectional: Bool?

    public init(key: RelationshipTypeKey, cardinality: Cardinality? = nil, description: String? = nil, bidirectional: Bool? = nil) {
        self.key = key
        self.cardinality = cardinality
        self.description = description
        self.bidirectional = bidirectional
    }
}

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

/// Which pair of endpoint fields an operation used: `personExternalId` +
/// `customObjectExternalId`, or `parentExternalId` + `childExternalId`. It
/// must match the type's kind.
public enum EndpointStyle: Hashable, Sendable {
    case personAndObject
    case parentAndChild
    /// The CLI names records as `TYPE:ID`, which fits either kind.
    case records
}

/// Identifies one link: type, from ID and to ID (external IDs, not records;
/// the record types come from the relationship type).
public struct LinkRequest: Hashable, Sendable {
    public var type: RelationshipTypeReference
    public var fromID: String
    public var toID: String
    public var style: EndpointStyle

    public init(type: RelationshipTypeReference, fromID: String, toID: String, style: EndpointStyle) {
        self.type = type
        self.fromID = fromID
        self.toID = toID
        self.style = style
    }
}
