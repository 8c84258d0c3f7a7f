import TiesCore
import TiesStore

extension LedgerStats {
    public var jsonValue: JSONValue {
        .object([
            "headSeq": .int(headSeq), "headHash": .string(headHash), "lastCommitAt": lastCommitAt.map { .string($0.description) } ?? .null,
            "commits": .int(commits), "objectTypes": .int(objectTypes), "relationshipTypes": .int(relationshipTypes),
            "currentLinks": .int(currentLinks), "linkVersions": .int(linkVersions), "logBytes": .int(logBytes),
            "projectionBytes": .int(projectionBytes), "lastSnapshotSeq": lastSnapshotSeq.map(JSONValue.int) ?? .null,
        ])
    }
}
