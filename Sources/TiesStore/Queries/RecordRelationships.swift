import TiesCore

/// A page of a record's relationships at one seq.
public struct RecordRelationships: Sendable, Equatable {
    public var record: RecordRef
    /// The seq whose state this is (the last whole commit at or before the as-of point).
    public var seq: Int64
    public var at: Timestamp?
    public var links: [LinkView]
    /// The opaque cursor of the next page, nil on the last one.
    public var next: String?
}
