/// One thing a user asks the ledger to do (TiesCore.docc/Operations.md): an import line, a CLI
/// write, an HTTP request or one item of a batch. The decider turns
/// operations into events, or rejects them.
public enum Operation: Hashable, Sendable {
    case defineObjectType(ObjectTypeDefinition)
    case registerRelationshipType(Registration)
    case link(LinkRequest, attributes: Attributes)
    case setAttributes(LinkRequest, set: Attributes, unset: [String])
    case unlink(LinkRequest)
    case upsertRecord(RecordRef, set: Attributes, unset: [String])
    /// Only from `ties erase` and the admin-only erase endpoint, never from
    /// an operation line: erasure is not an append-role write.
    case eraseRecord(RecordRef)
    /// Makes the link as it was at a past point: `attributes` are those it
    /// had then (read from its history by the store, which never changes).
    /// Only from `ties restore` and `POST /v1/relationships/restore`.
    case restoreLink(LinkRequest, attributes: Attributes)

    /// The `op` names an operation line may use.
    public static let names = ["defineObjectType", "registerRelationshipType", "link", "setAttributes", "unlink", "upsertRecord"]
}

/// `defineObjectType`: an upsert by name. What is omitted is kept;
/// `identifiers` are merged into the type's (each one named is added, or
/// has its `unique` set as given).
public struct ObjectTypeDefinition: Hashable, Sendable {
    public var name: String
    public var description: String?
    public var identifiers: [Identifier]
    public var requireRecords: Bool?

    public init(name: String, description: String? = nil, identifiers: [Identifier] = [], requireRecords: Bool? = nil) {
        self.name = name
        self.description = description
        self.identifiers = identifiers
        self.requireRecords = requireRecords
    }
}
