import TiesCore
import TiesStore

extension AuditPage {
    public var jsonValue: JSONValue {
        .object(["entries": .array(entries.map(\.jsonValue)), "next": next.map(JSONValue.string) ?? .null])
    }
}
