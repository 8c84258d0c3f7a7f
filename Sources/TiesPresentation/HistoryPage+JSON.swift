import TiesCore
import TiesStore

extension HistoryPage {
    public var jsonValue: JSONValue {
        .object(["record": .string(record.description), "entries": .array(entries.map(\.jsonValue)), "next": next.map(JSONValue.string) ?? .null])
    }
}
