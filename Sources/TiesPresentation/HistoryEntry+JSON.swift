import TiesCore
import TiesStore

extension HistoryEntry {
    public var jsonValue: JSONValue {
        .object([
            "seq": .int(seq), "commitSeq": .int(commitSeq), "at": .string(at.description), "actor": .string(actor),
            "reason": reason.map(JSONValue.string) ?? .null, "event": EventCoding.jsonValue(event, seq: seq),
        ])
    }
}
