import TiesCore
import TiesStore

extension HistoryEntry {
    /// `label` only where there is one: in a record's history, not in the change feed.
    public var jsonValue: JSONValue {
        var fields: [String: JSONValue] = [
            "seq": .int(seq), "commitSeq": .int(commitSeq), "at": .string(at.description), "actor": .string(actor),
            "principal": principal.map(JSONValue.string) ?? .null,
            "reason": reason.map(JSONValue.string) ?? .null, "event": EventCoding.jsonValue(event, seq: seq),
        ]
        if let label { fields["label"] = .string(label) }
        return .object(fields)
    }
}
