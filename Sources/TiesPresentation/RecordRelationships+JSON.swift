import TiesCore
import TiesStore

extension RecordRelationships {
    public var jsonValue: JSONValue {
        .object([
            "record": .string(record.description), "asOfSeq": .int(seq), "asOfTime": at.map { .string($0.description) } ?? .null,
            "relationships": .array(links.map(\.jsonValue)), "next": next.map(JSONValue.string) ?? .null,
        ])
    }
}
