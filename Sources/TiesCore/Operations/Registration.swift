/// `registerRelationshipType`: the key plus the optional fields; nil means
/// "not given", so a re-registration preserves it.
public struct Registration: Hashable, Sendable {
    public var key: RelationshipTypeKey
    public var cardinality: Cardinality?
    public var description: String?
    public var bidirectional: Bool?
    public var inverseRole: String?

    public init(key: RelationshipTypeKey, cardinality: Cardinality? = nil, description: String? = nil, bidirectional: Bool? = nil,
                inverseRole: String? = nil) {
        self.key = key
        self.cardinality = cardinality
        self.description = description
        self.bidirectional = bidirectional
        self.inverseRole = inverseRole
    }
}
