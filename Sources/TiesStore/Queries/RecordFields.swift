import TiesCore

/// A record's fields now or as of a seq: `ties record show`, `GET /v1/records/{type}/{id}`.
public struct RecordFields: Sendable, Hashable {
    public var record: RecordRef
    /// Each field's value; nil values are erased.
    public var fields: [String: FieldValue]
    /// The seq of the record's last change up to the point asked about.
    public var since: Int64
    /// Set once the record is erased: its values are then unreadable at every point in time.
    public var erasedSeq: Int64?
}
