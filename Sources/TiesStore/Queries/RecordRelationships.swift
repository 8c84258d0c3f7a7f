import TiesCore

/// A record's relationships at one seq.
public struct RecordRelationships: Sendable, Equatable {
    public var record: RecordRef
    /// The seq whose state this is (the last whole commit at or before the as-of point).
    public var seq: Int64
    public var at: Timestamp?
    public var links: [LinkView]

    public var jsonValue: JSONValue {
        .object([
            "record": .string(record.description), "asOfSeq": .int(seq), "asOfTime": at.map { .string($0.description) } ?? .null,
            "relationships": .array(links.map(\.jsonValue)),
        ])
    }
}
