/// The JSON form of events, as stored in the log and shown by `history` and
/// `log`. Encoding is deterministic (fixed field order, sorted attribute keys)
/// because commit hashes are computed over these bytes.
public enum EventCoding {
    /// How record field values are written: sealed, as the log holds them,
    /// or as their values (an erased one as `FieldValue.erasedMarker`), as
    /// answers show them.
    public enum FieldValues: Sendable {
        case sealed
        case shown
    }

    /// Appends `{"seq":N,"type":"…",…}` for one event.
    public static func write(_ event: Event, seq: Int64, fieldValues: FieldValues = .sealed, to writer: inout JSONWriter) {
        writer.writeRaw("{\"seq\":")
        writer.writeInt(seq)
        writer.writeRaw(",\"type\":")
        writer.writeString(event.name)
        switch event {
        case .objectTypeDefined(let type):
            writeObjectType(type, to: &writer)
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
        case .linked(let key, let attributes, let matchedBy):
            writeLinkKey(key, to: &writer)
            writer.writeRaw(",\"attributes\":")
            writer.writeObject(attributes)
            writeMatchedBy(matchedBy, to: &writer)
        case .unlinked(let key, let matchedBy):
            writeLinkKey(key, to: &writer)
            writeMatchedBy(matchedBy, to: &writer)
        case .attributesChanged(let key, let set, let unset, let matchedBy):
            writeLinkKey(key, to: &writer)
            writer.writeRaw(",\"set\":")
            writer.writeObject(set)
            writeUnset(unset, to: &writer)
            writeMatchedBy(matchedBy, to: &writer)
        case .recordUpserted(let record, let set, let unset):
            writeRecord(record, to: &writer)
            writer.writeRaw(",\"set\":")
            writer.writeObject(set.mapValues { field in
                switch fieldValues {
                case .shown: return field.shown
                case .sealed:
                    guard let sealed = field.sealed else { preconditionFailure("a record field value written to the log unsealed") }
                    return .string(sealed)
                }
            })
            writeUnset(unset, to: &writer)
        case .recordErased(let record):
            writeRecord(record, to: &writer)
        }
        writer.writeRaw("}")
    }

    /// One event as a JSON value (for `--json` output and HTTP bodies).
    public static func jsonValue(_ event: Event, seq: Int64) -> JSONValue {
        var writer = JSONWriter()
        write(event, seq: seq, fieldValues: .shown, to: &writer)
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

    /// Identifiers and requireRecords only when set, so definitions that
    /// use neither encode as they always have.
    static func writeObjectType(_ type: ObjectType, to writer: inout JSONWriter) {
        writer.writeRaw(",\"name\":")
        writer.writeString(type.name)
        writeOptional("description", type.description, to: &writer)
        if !type.identifiers.isEmpty {
            writer.writeRaw(",\"identifiers\":")
            writer.writeValue(.array(type.identifiers.map(\.jsonValue)))
        }
        if type.requireRecords { writer.writeRaw(",\"requireRecords\":true") }
    }

    static func writeRecord(_ record: RecordRef, to writer: inout JSONWriter) {
        writer.writeRaw(",\"record\":")
        writer.writeString(record.description)
    }

    private static func writeUnset(_ unset: [String], to writer: inout JSONWriter) {
        writer.writeRaw(",\"unset\":")
        writer.writeValue(.array(unset.sorted(by: utf8Less).map(JSONValue.string)))
    }

    /// Only when a side was matched, so events without matching read as
    /// they always have.
    private static func writeMatchedBy(_ matchedBy: MatchedBy, to writer: inout JSONWriter) {
        guard !matchedBy.isEmpty else { return }
        var sides: [String: JSONValue] = [:]
        if let field = matchedBy.from { sides["from"] = .object(["field": .string(field)]) }
        if let field = matchedBy.to { sides["to"] = .object(["field": .string(field)]) }
        writer.writeRaw(",\"matchedBy\":")
        writer.writeObject(sides)
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
            event = .objectTypeDefined(try decodeObjectType(fields))
        case "relationshipType.registered":
            event = .relationshipTypeRegistered(try decodeRegistration(fields))
        case "relationshipType.updated":
            event = .relationshipTypeUpdated(id: try fields.requiredString("relationshipTypeId"), change: RelationshipTypeChange(
                cardinality: try fields.optionalString("cardinality").map(decodeCardinality),
                description: try fields.optionalString("description"),
                bidirectional: try fields.optionalBool("bidirectional"), inverseRole: try fields.optionalString("inverseRole")))
        case "relationship.linked":
            event = .linked(try decodeLinkKey(fields), attributes: try fields.requiredObject("attributes"), matchedBy: try decodeMatchedBy(fields))
        case "relationship.unlinked":
            event = .unlinked(try decodeLinkKey(fields), matchedBy: try decodeMatchedBy(fields))
        case "relationship.attributesChanged":
            let unset = try fields.requiredStringArray("unset")
            event = .attributesChanged(try decodeLinkKey(fields), set: try fields.requiredObject("set"), unset: unset,
                                       matchedBy: try decodeMatchedBy(fields))
        case "record.upserted":
            var set: [String: FieldValue] = [:]
            for (field, value) in try fields.requiredObject("set") {
                guard case .string(let sealed) = value else { throw LedgerError(.ledgerDamaged, "record.upserted field '\(field)' is not sealed") }
                set[field] = FieldValue(value: nil, sealed: sealed)
            }
            event = .recordUpserted(try decodeRecord(fields), set: set, unset: try fields.requiredStringArray("unset"))
        case "record.erased":
            event = .recordErased(try decodeRecord(fields))
        default:
            throw LedgerError(.ledgerDamaged, "unknown event type '\(name)'")
        }
        return (seq, event)
    }

    static func decodeObjectType(_ fields: FieldReader) throws(LedgerError) -> ObjectType {
        var identifiers: [Identifier] = []
        if case .array(let items)? = fields.fields["identifiers"] {
            for item in items {
                let identifier = try FieldReader(item, context: "identifier", failure: .ledgerDamaged)
                identifiers.append(Identifier(field: try identifier.requiredString("field"), unique: try identifier.optionalBool("unique") ?? false))
            }
        }
        return ObjectType(name: try fields.requiredString("name"), description: try fields.optionalString("description"),
                          identifiers: identifiers, requireRecords: try fields.optionalBool("requireRecords") ?? false)
    }

    static func decodeRecord(_ fields: FieldReader) throws(LedgerError) -> RecordRef {
        guard let record = RecordRef(parsing: try fields.requiredString("record")) else {
            throw LedgerError(.ledgerDamaged, "record event with a malformed record")
        }
        return record
    }

    static func decodeMatchedBy(_ fields: FieldReader) throws(LedgerError) -> MatchedBy {
        guard let sides = try fields.optionalObject("matchedBy") else { return MatchedBy() }
        let reader = try FieldReader(.object(sides), context: "matchedBy", failure: .ledgerDamaged)
        func field(_ side: String) throws(LedgerError) -> String? {
            guard let object = try reader.optionalObject(side) else { return nil }
            return try FieldReader(.object(object), context: "matchedBy", failure: .ledgerDamaged).requiredString("field")
        }
        return MatchedBy(from: try field("from"), to: try field("to"))
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
