import TiesCore
import TiesStore

extension RepairReport {
    public var jsonValue: JSONValue {
        .object([
            "keptThroughSeq": .int(keptThroughSeq), "keptBytes": .int(keptBytes), "movedBytes": .int(movedBytes),
            "movedTo": movedTo.map(JSONValue.string) ?? .null,
        ])
    }
}
