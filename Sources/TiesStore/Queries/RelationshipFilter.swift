import TiesCore

/// Which of a record's links a listing holds.
public struct RelationshipFilter: Sendable, Equatable {
    /// Only links of this type (by ID or key); nil: every type.
    public var type: RelationshipTypeReference?
    /// nil: the default listing (see `LinkDirection`).
    public var direction: LinkDirection?

    public init(type: RelationshipTypeReference? = nil, direction: LinkDirection? = nil) {
        self.type = type
        self.direction = direction
    }
}
