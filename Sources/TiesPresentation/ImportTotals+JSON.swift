import TiesCore
import TiesStore

extension ImportTotals {
    public var jsonValue: JSONValue {
        .object([
            "lines": .int(Int64(lines)), "operations": .int(Int64(operations)), "unchanged": .int(Int64(unchanged)),
            "commits": .int(Int64(commits)), "events": .int(events),
            "firstSeq": firstSeq.map(JSONValue.int) ?? .null, "lastSeq": lastSeq.map(JSONValue.int) ?? .null,
            "committedThroughLine": .int(Int64(committedThroughLine)),
        ])
    }
}
