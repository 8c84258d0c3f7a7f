import TiesCore
import TiesStore

extension VerifyReport {
    public var jsonValue: JSONValue {
        .object([
            "ok": .bool(isIntact), "logBytes": .int(logBytes), "commits": .int(Int64(commits)), "events": .int(events),
            "headSeq": .int(headSeq), "headHash": .string(headHash),
            "snapshots": .array(snapshots.map(\.jsonValue)),
            "projectionSeq": projectionSeq.map(JSONValue.int) ?? .null,
            "projectionDigest": projectionDigest.map(JSONValue.string) ?? .null,
            "replayDigest": replayDigest.map(JSONValue.string) ?? .null,
            "problems": .array(problems.map(\.jsonValue)),
        ])
    }
}
