/// The JSON form of events, as stored in the log and shown by `history` and
/// `log`. Encoding is deterministic (fixed field order, sorted attribute keys)
/// because commit hashes are computed over these bytes.
public enum EventCoding {
    /// Appends `{"seq":N,"type":"…",…}` for one event.
    public static func write(_ event: Event, seq: Int64, to writer: inout JSONWriter) {
        writer.writeRaw("{\"seq\":")
        writer.writeInt(seq)
        writer.writeRaw(",\"type\":")
        writer.writeString(event.name)
        switch event {
        case .objectTypeDefined(let type):
            writer.writeRaw(",\"name\":")
            writer.writeString(type.name)
            writeOptional("description", type.description, to: &writer)
        case .relationshipTypeRegistered(let type):
            writeRegistration(type, to: &writer)
        case .relationshipTypeUpdated(let id, let change):
            writer.writeRaw(",\"relationshipTypeId\":")
            writer.writeString(id)
            writeOptional("cardinality", change.cardinality?.rawValue, to: &writer)
            writeOptional("description", change.description, to: &writer)
            writeOptional("inverseRole", change.inverseRole, to: &writer)
            if let bidirectional = change.bidirectional {
                writer.writeRaw(",\"bidirectional\":")
                writer.writeBool(bidirectional)
            }
        case .linked(let key, let attributes):
            writeLinkKey(key, to: &writer)
            writer.writeRaw(",\"attributes\":")
            writer.writeObject(attributes)
        case .unlinked(let key):
            writeLinkKey(key, to: &writer)
        case .attributesChanged(let key, let set, let unset):
            writeLinkKey(key, to: &writer)
            writer.writeRaw(",\"set\":")
            writer.writeObject(set)
            writer.writeRaw(",\"unset\":")
            writer.writeValue(.array(unset.sorted(by: utf8Less).map(JSONValue.string)))
        }
        writer.writeRaw("}")
    }

    /// One event as a JSON value (for `--json` output and HTTP bodies).
    public static func jsonValue(_ event: Event, seq: Int64) -> JSONValue {
        var writer = JSONWriter()
        write(event, seq: seq, to: &writer)
        do {
            return try JSONParser.parse(writer.bytes)
        } catch {
            preconditionFailure("EventCoding wrote JSON that does not parse: \(error)")
        }
    }

    static func writeRegistration(_ type: RelationshipType, to writer: inout JSONWriter) {
        writer.writeRaw(",\"relationshipTypeId\":")
        writer.writeString(type.id)
        writer.writeRaw(",\"kind\":")
        writer.writeString(type.key.kind.rawValue)
        writer.writeRaw(",\"role\":")
        writer.writeString(type.key.role)
        switch type.key.kind {
        case .personToCo:
            writer.writeRaw(",\"customObjectType\":")
            writer.writeString(type.key.toType)
        case .coToCo:
            writer.writeRaw(",\"parentCustomObjectType\":")
            writer.writeString(type.key.fromType)
            writer.writeRaw(",\"childCustomObjectType\":")
            writer.writeString(type.key.toType)
        }
        writeOptional("cardinality", type.cardinality?.rawValue, to: &writer)
        writeOptional("description", type.description, to: &writer)
        writeOptional("inverseRole", type.inverseRole, to: &writer)
        writer.writeRaw(",\"bidirectional\":")
        writer.writeBool(type.bidirectional)
    }

    static func writeLinkKey(_ key: LinkKey, to writer: inout JSONWriter) {
        writer.writeRaw(",\"relationshipTypeId\":")
        writer.writeString(key.typeId)
        writer.writeRaw(",\"from\":")
        writer.writeString(key.from.description)
        writer.writeRaw(",\"to\":")
        writer.writeString(key.to.description)
    }

    static func writeOptional(_ field: StaticString, _ value: String?, to writer: inout JSONWriter) {
        guard let value else { return }
        writer.writeRaw(",")
        writer.writeString(String(describing: field))
        writer.writeRaw(":")
        writer.writeString(value)
    }

    // MARK: Decoding

    /// Decodes one event object read back from the log. The log was written by
    /// `write`, so any mismatch means damage: the error says which field.
    public static func decode(_ value: JSONValue) throws(LedgerError) -> (seq: Int64, event: Event) {
        let fields = try FieldReader(value, context: "event", failure: .ledgerDamaged)
        let seq = try fields.requiredInt("seq")
        let name = try fields.requiredString("type")
        let event: Event
        switch name {
        case "objectType.defined":
            event = .objectTypeDefined(ObjectType(name: try fields.requiredString("name"), description: try fields.optionalString("description")))
        case "relationshipType.registered":
            event = .relationshipTypeRegistered(try decodeRegistration(fields))
        case "relationshipType.updated":
            event = .relationshipTypeUpdated(id: try fields.requiredString("relationshipTypeId"), change: RelationshipTypeChange(
                cardinality: try fields.optionalString("cardinality").map(decodeCardinality),
                description: try fields.optionalString("description"),
                bidirectional: try fields.optionalBool("bidirectional"), inverseRole: try fields.optionalString("inverseRole")))
        case "relationship.linked":
            event = .linked(try decodeLinkKey(fields), attributes: try fields.requiredObject("attributes"))
        case "relationship.unlinked":
            event = .unlinked(try decodeLinkKey(fields))
        case "relationship.attributesChanged":
            let unset = try fields.requiredStringArray("unset")
            event = .attributesChanged(try decodeLinkKey(fields), set: try fields.requiredObject("set"), unset: unset)
        default:
            throw LedgerError(.ledgerDamaged, "unknown event type '\(name)'")
        }
        return (seq, event)
    }

    static func decodeRegistration(_ fields: FieldReader) throws(LedgerError) -> RelationshipType {
        let kindName = try fields.requiredString("kind")
        guard let kind = RelationshipKind(rawValue: kindName) else {
            throw LedgerError(.ledgerDamaged, "unknown relationship kind '\(kindName)'")
        }
        let role = try fields.requiredString("role")
        let key: RelationshipTypeKey
        switch kind {
        case .personToCo:
            key = .personToCo(role: role, objectType: try fields.requiredString("customObjectType"))
        case .coToCo:
            key = .coToCo(role: role, parent: try fields.requiredString("parentCustomObjectType"),
                          child: try fields.requiredString("childCustomObjectType"))
        }
        return RelationshipType(
            id: try fields.requiredString("relationshipTypeId"), key: key,
            cardinality: try fields.optionalString("cardinality").map(decodeCardinality),
            description: try fields.optionalString("description"),
            bidirectional: try fields.optionalBool("bidirectional") ?? false, inverseRole: try fields.optionalString("inverseRole"))
    }

    private static func decodeCardinality(_ text: String) throws(LedgerError) -> Cardinality {
        guard let cardinality = Cardinality(rawValue: text) else {
            throw LedgerError(.ledgerDamaged, "unknown cardinality '\(text)'")
        }
        return cardinality
    }

    static func decodeLinkKey(_ fields: FieldReader) throws(LedgerError) -> LinkKey {
        let typeId = try fields.requiredString("relationshipTypeId")
        let fromText = try fields.requiredString("from")
        let toText = try fields.requiredString("to")
        guard let from = RecordRef(parsing: fromText), let to = RecordRef(parsing: toText) else {
            throw LedgerError(.ledgerDamaged, "link event with a malformed record")
        }
        return LinkKey(typeId: typeId, from: from, to: to)
    }
}
