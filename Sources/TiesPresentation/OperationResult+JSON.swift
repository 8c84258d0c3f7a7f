import TiesCore

// How each edge (CLI `--json`, HTTP bodies) answers a write: one
// presentation, for first answers and replays alike.

extension OperationResult {
    /// The operation's `op` name (TiesCore.docc/Operations.md).
    public var op: String {
        switch self {
        case .objectType: return "defineObjectType"
        case .relationshipType: return "registerRelationshipType"
        case .link: return "link"
        case .attributes: return "setAttributes"
        case .unlink: return "unlink"
        case .record: return "upsertRecord"
        case .erased: return "eraseRecord"
        }
    }

    /// The answer to one operation (CLI `--json`, HTTP bodies, batch
    /// results). `seq` is the event it appended, nil when it appended none.
    public func jsonValue(seq: Int64?) -> JSONValue {
        var fields: [String: JSONValue]
        switch self {
        case .objectType(let type, let created, _):
            fields = type.jsonValue.objectValue ?? [:]
            fields["created"] = .bool(created)
        case .relationshipType(let type, let created, _):
            fields = type.jsonValue.objectValue ?? [:]
            fields["created"] = .bool(created)
        case .link(let key, let created, _):
            fields = linkJSON(key).objectValue ?? [:]
            fields["created"] = .bool(created)
        case .attributes(let key, let changed):
            fields = linkJSON(key).objectValue ?? [:]
            fields["changed"] = .bool(changed)
        case .unlink(let key):
            fields = linkJSON(key).objectValue ?? [:]
        case .record(let record, let created, let changed):
            fields = ["record": .string(record.description), "created": .bool(created), "changed": .bool(changed)]
        case .erased(let record, let changed):
            fields = ["record": .string(record.description), "changed": .bool(changed)]
        }
        fields["op"] = .string(op)
        fields["seq"] = seq.map(JSONValue.int) ?? .null
        return .object(fields)
    }
}
