import TiesCore

/// A point in the ledger's past: a seq, or a time (SPEC §4: the state after
/// the last commit at or before it).
public enum AsOf: Sendable, Equatable, CustomStringConvertible {
    case seq(Int64)
    case time(Timestamp)

    /// A run of digits is a seq; anything else must be RFC 3339.
    public init?(parsing text: String) {
        if !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) {
            guard let seq = Int64(text) else { return nil }
            self = .seq(seq)
        } else if let time = Timestamp(rfc3339: text) {
            self = .time(time)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .seq(let seq): return "seq \(seq)"
        case .time(let time): return time.description
        }
    }
}

/// One link as a record sees it.
public struct LinkView: Sendable, Equatable {
    public enum Direction: String, Sendable { case forward, inverse }
    public var type: RelationshipType
    public var direction: Direction
    public var from: RecordRef
    public var to: RecordRef
    public var attributes: Attributes
    /// When this link was created (the start of its current life).
    public var linkedSeq: Int64
    public var linkedAt: Timestamp
    /// When its current version began (its last attribute change).
    public var versionSeq: Int64
    public var versionAt: Timestamp

    public var jsonValue: JSONValue {
        .object([
            "relationshipTypeId": .string(type.id), "kind": .string(type.key.kind.rawValue), "role": .string(type.key.role),
            "direction": .string(direction.rawValue), "from": .string(from.description), "to": .string(to.description),
            "attributes": .object(attributes), "linkedSeq": .int(linkedSeq), "linkedAt": .string(linkedAt.description),
            "versionSeq": .int(versionSeq), "versionAt": .string(versionAt.description),
        ])
    }
}

/// A record's relationships at one seq.
public struct RecordRelationships: Sendable, Equatable {
    public var record: RecordRef
    /// The seq whose state this is (the last whole commit at or before the as-of point).
    public var seq: Int64
    public var at: Timestamp?
    public var links: [LinkView]

    public var jsonValue: JSONValue {
        .object([
            "record": .string(record.description), "asOfSeq": .int(seq), "asOfTime": at.map { .string($0.description) } ?? .null,
            "relationships": .array(links.map(\.jsonValue)),
        ])
    }
}

/// One line of a record's audit trail.
public struct HistoryEntry: Sendable, Equatable {
    public var seq: Int64
    public var commitSeq: Int64
    public var at: Timestamp
    public var actor: String
    public var reason: String?
    public var event: Event

    public var jsonValue: JSONValue {
        .object([
            "seq": .int(seq), "commitSeq": .int(commitSeq), "at": .string(at.description), "actor": .string(actor),
            "reason": reason.map(JSONValue.string) ?? .null, "event": EventCoding.jsonValue(event, seq: seq),
        ])
    }
}

/// A page of history, newest first; `next` is the opaque cursor of the
/// following (older) page, nil on the last page.
public struct HistoryPage: Sendable, Equatable {
    public var record: RecordRef
    public var entries: [HistoryEntry]
    public var next: String?

    public var jsonValue: JSONValue {
        .object(["record": .string(record.description), "entries": .array(entries.map(\.jsonValue)), "next": next.map(JSONValue.string) ?? .null])
    }
}

/// Object and relationship types.
public struct TypeCatalog: Sendable, Equatable {
    public var objectTypes: [ObjectType]
    public var relationshipTypes: [RelationshipType]

    public var jsonValue: JSONValue {
        .object([
            "objectTypes": .array(objectTypes.map(\.jsonValue)),
            "relationshipTypes": .array(relationshipTypes.map(\.jsonValue)),
        ])
    }
}

/// Counts, sizes and the head of the ledger.
public struct LedgerStats: Sendable, Equatable {
    public var headSeq: Int64
    public var headHash: String
    public var lastCommitAt: Timestamp?
    public var commits: Int64
    public var objectTypes: Int64
    public var relationshipTypes: Int64
    public var currentLinks: Int64
    public var linkVersions: Int64
    public var logBytes: Int64
    public var projectionBytes: Int64
    /// The seq of the newest snapshot file (not checked here; `ties snapshots` checks).
    public var lastSnapshotSeq: Int64?

    public var jsonValue: JSONValue {
        .object([
            "headSeq": .int(headSeq), "headHash": .string(headHash), "lastCommitAt": lastCommitAt.map { .string($0.description) } ?? .null,
            "commits": .int(commits), "objectTypes": .int(objectTypes), "relationshipTypes": .int(relationshipTypes),
            "currentLinks": .int(currentLinks), "linkVersions": .int(linkVersions), "logBytes": .int(logBytes),
            "projectionBytes": .int(projectionBytes), "lastSnapshotSeq": lastSnapshotSeq.map(JSONValue.int) ?? .null,
        ])
    }
}

extension ObjectType {
    public var jsonValue: JSONValue {
        .object(["name": .string(name), "description": description.map(JSONValue.string) ?? .null])
    }
}

extension RelationshipType {
    /// The SPEC §2 field names, as in the registration event.
    public var jsonValue: JSONValue {
        var fields: [String: JSONValue] = [
            "relationshipTypeId": .string(id), "kind": .string(key.kind.rawValue), "role": .string(key.role),
            "bidirectional": .bool(bidirectional),
            "cardinality": cardinality.map { .string($0.rawValue) } ?? .null,
            "description": description.map(JSONValue.string) ?? .null,
        ]
        switch key.kind {
        case .personToCo:
            fields["customObjectType"] = .string(key.toType)
        case .coToCo:
            fields["parentCustomObjectType"] = .string(key.fromType)
            fields["childCustomObjectType"] = .string(key.toType)
        }
        return .object(fields)
    }
}

/// One version of a link: its attributes over `[fromSeq, toSeq)`; `toSeq`
/// is nil while the version is current.
public struct LinkVersion: Sendable, Equatable {
    public var attributes: Attributes
    /// When this life of the link began (a relink starts a new one).
    public var linkedSeq: Int64
    public var fromSeq: Int64
    public var fromAt: Timestamp
    public var toSeq: Int64?
    public var toAt: Timestamp?

    public var jsonValue: JSONValue {
        .object([
            "attributes": .object(attributes), "linkedSeq": .int(linkedSeq),
            "fromSeq": .int(fromSeq), "fromAt": .string(fromAt.description),
            "toSeq": toSeq.map(JSONValue.int) ?? .null, "toAt": toAt.map { .string($0.description) } ?? .null,
        ])
    }
}

extension OperationResult {
    /// The operation's SPEC §3 name.
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
