import TiesCore

/// A record's relationships at one seq.
public struct RecordRelationships: Sendable, Equatable {
    public var record: RecordRef
    /// The seq whose state this is (the last whole commit at or before the as-of point).
    public var seq: Int64
    public var at: Timestamp?
    public var links: [LinkView]
}
