import TiesCore
import TiesStore

extension LinkVersion {
    public var jsonValue: JSONValue {
        .object([
            "fromSeq": .int(fromSeq), "fromAt": .string(fromAt.description),
            "toSeq": toSeq.map(JSONValue.int) ?? .null, "toAt": toAt.map { .string($0.description) } ?? .null,
            "attributes": .object(attributes), "events": .array(events.map(\.jsonValue)),
        ])
    }
}
