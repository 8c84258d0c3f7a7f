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
}
