import TiesCore

// How ledger values appear in JSON answers (CLI `--json` and HTTP bodies):
// one presentation per value, shared by every edge.

extension ObjectType {
    public var jsonValue: JSONValue {
        .object(["name": .string(name), "description": description.map(JSONValue.string) ?? .null])
    }
}

extension RelationshipType {
    /// The field names of the registration event (TiesCore.docc/Events.md).
    public var jsonValue: JSONValue {
        let fields: [String: JSONValue] = [
            "relationshipTypeId": .string(id), "bidirectional": .bool(bidirectional),
            "cardinality": cardinality.map { .string($0.rawValue) } ?? .null,
            "description": description.map(JSONValue.string) ?? .null,
        ]
        return .object(fields.merging(key.jsonFields) { _, keyField in keyField })
    }
}

extension OperationResult {
    /// The operation's `op` name (TiesCore.docc/Operations.md).
    public var op: String {
        switch self {
        case .objectType: return "defineObjectType"
        case .relationshipType: return "registerRelationshipType"
        case .link: return "link"
        case .attributes: return "setAttributes"
        case .unlink: return "unlink"
        }
    }

    /// False for operations that found things already as asked.
    public var appendedEvents: Bool {
        switch self {
        case .objectType(_, _, let changed), .relationshipType(_, _, let changed), .link(_, _, let changed), .attributes(_, let changed):
            return changed
        case .unlink:
            return true
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
        }
        fields["op"] = .string(op)
        fields["seq"] = seq.map(JSONValue.int) ?? .null
        return .object(fields)
    }
}

extension CommitReceipt {
    /// Each operation's answer with the seq of the event it appended: every
    /// operation appends at most one event, in order, from `firstSeq`.
    public var resultsJSON: [JSONValue] {
        var next = firstSeq
        return results.map { result in
            guard result.appendedEvents, let seq = next else { return result.jsonValue(seq: nil) }
            next = seq + 1
            return result.jsonValue(seq: seq)
        }
    }
}
