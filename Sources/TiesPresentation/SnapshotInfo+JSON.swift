import TiesCore
import TiesStore

extension SnapshotInfo {
    public var jsonValue: JSONValue {
        .object([
            "path": .string(path), "seq": .int(seq), "bytes": .int(bytes),
            "takenAt": takenAt.map { .string($0.description) } ?? .null, "headHash": headHash.map(JSONValue.string) ?? .null,
            "stateDigest": stateDigest.map(JSONValue.string) ?? .null, "valid": .bool(isValid),
            "problem": problem.map(JSONValue.string) ?? .null,
            "otherSchemaVersion": otherSchemaVersion.map(JSONValue.int) ?? .null,
        ])
    }
}
