import TiesCore
import TiesStore

extension RecordFields {
    /// `{"record","fields","since"}`, plus `"erased":true` once erased
    /// (each field's value is then `{"erased":true}`).
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "record": .string(record.description), "fields": .object(fields.mapValues(\.shown)), "since": .int(since),
        ]
        if erasedSeq != nil { object["erased"] = .bool(true) }
        return .object(object)
    }
}
