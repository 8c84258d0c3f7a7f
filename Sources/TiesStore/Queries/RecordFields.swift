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

extension RecordFields {
    /// `{"record","fields","since"}`, plus `"erased":true` once erased
    /// (each field's value is then `{"erased":true}`): the one shape of a
    /// record in answers and exports.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "record": .string(record.description), "fields": .object(fields.mapValues(\.shown)), "since": .int(since),
        ]
        if erasedSeq != nil { object["erased"] = .bool(true) }
        return .object(object)
    }
}
