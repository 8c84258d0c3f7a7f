import TiesCore

/// One link as a record sees it.
public struct LinkView: Sendable, Equatable {
    public enum Direction: String, Sendable { case forward, inverse }
    public var type: RelationshipType
    public var direction: Direction
    public var from: RecordRef
    public var to: RecordRef
    public var attributes: Attributes
    /// When this link was created (the start of its current life).
    public var linkedSeq: Int64
    public var linkedAt: Timestamp
    /// When its current version began (its last attribute change).
    public var versionSeq: Int64
    public var versionAt: Timestamp

    /// The link's name from the record it is listed on: the role, or the
    /// inverse role on the `to` side when the type has one. Today's name,
    /// as of any seq: names are how the type is read now, not facts of the link.
    public var label: String { type.label(onToSide: direction == .inverse) }
}
