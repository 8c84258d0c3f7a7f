/// Decodes operation objects (TiesCore.docc/Operations.md). Structural problems (wrong JSON types,
/// unknown fields, bad enum values) are rejected here; rules that need state
/// (does the type exist? cardinality?) are the decider's.
public enum OperationDecoding {
    /// Where an operation comes from, which decides what it may be.
    public enum Scope: Sendable {
        /// An operation line, a batch item or an HTTP write: the public form.
        case line
        /// A CLI write handed to `ties serve` through its socket (whose
        /// peer is the server's own user): also what only the CLI makes
        /// (see `OperationEncoding`).
        case handedOver
    }

    /// Decodes one JSON object with an `"op"` field.
    public static func decode(_ value: JSONValue, scope: Scope = .line) throws(LedgerError) -> Operation {
        let fields = try FieldReader(value, context: "operation", failure: .invalidField)
        let op = try fields.requiredString("op")
        return try decode(op: op, fields: fields, scope: scope)
    }

    /// Decodes the fields of a known op (HTTP endpoints imply the op).
    public static func decode(op: String, fields: FieldReader, scope: Scope = .line) throws(LedgerError) -> Operation {
        let linkFields = scope == .line ? linkFields : linkFields.union(["endpoints"])
        switch (op, scope) {
        case ("eraseRecord", .handedOver):
            try fields.rejectUnknown(allowed: ["op", "objectType", "externalId"])
            return .eraseRecord(RecordRef(type: try fields.requiredString("objectType"), id: try fields.requiredString("externalId")))
        case ("restoreLink", .handedOver):
            try fields.rejectUnknown(allowed: linkFields.union(["op", "attributes"]))
            return .restoreLink(try linkRequest(fields, scope: scope), attributes: try fields.optionalObject("attributes") ?? [:])
        default:
            break
        }
        switch op {
        case "defineObjectType":
            try fields.rejectUnknown(allowed: ["op", "name", "description", "identifiers", "requireRecords"])
            return .defineObjectType(ObjectTypeDefinition(
                name: try fields.requiredString("name"), description: try fields.optionalString("description"),
                identifiers: try identifiers(fields), requireRecords: try fields.optionalBool("requireRecords")))
        case "registerRelationshipType":
            try fields.rejectUnknown(allowed: registrationFields.union(["op"]))
            return .registerRelationshipType(try registration(fields))
        case "link":
            try fields.rejectUnknown(allowed: linkFields.union(["op", "attributes"]))
            return .link(try linkRequest(fields, scope: scope), attributes: try fields.optionalObject("attributes") ?? [:])
        case "setAttributes":
            try fields.rejectUnknown(allowed: linkFields.union(["op", "set", "unset"]))
            return .setAttributes(try linkRequest(fields, scope: scope), set: try fields.optionalObject("set") ?? [:],
                                  unset: try fields.optionalStringArray("unset") ?? [])
        case "unlink":
            try fields.rejectUnknown(allowed: linkFields.union(["op"]))
            return .unlink(try linkRequest(fields, scope: scope))
        case "upsertRecord":
            try fields.rejectUnknown(allowed: ["op", "objectType", "externalId", "set", "unset"])
            return .upsertRecord(RecordRef(type: try fields.requiredString("objectType"), id: try fields.requiredString("externalId")),
                                 set: try fields.optionalObject("set") ?? [:], unset: try fields.optionalStringArray("unset") ?? [])
        default:
            throw LedgerError(.invalidField, "unknown op '\(op)'; expected one of \(Operation.names.joined(separator: ", "))",
                              details: ["field": .string("op")])
        }
    }

    static let registrationFields: Set<String> = [
        "kind", "role", "customObjectType", "parentCustomObjectType", "childCustomObjectType",
        "cardinality", "description", "bidirectional", "inverseRole",
    ]
    public static let linkFields: Set<String> = [
        "relationshipTypeId", "relationshipType",
        "personExternalId", "customObjectExternalId", "parentExternalId", "childExternalId",
        "personMatch", "customObjectMatch", "parentMatch", "childMatch",
    ]

    /// `[{"field":"email","unique":true}, …]`; `unique` defaults to false.
    static func identifiers(_ fields: FieldReader) throws(LedgerError) -> [Identifier] {
        guard let value = fields.fields["identifiers"], value != .null else { return [] }
        guard case .array(let items) = value else { throw fields.fail("identifiers", "must be an array of {\"field\",\"unique\"} objects") }
        var result: [Identifier] = []
        for item in items {
            let identifier = try FieldReader(item, context: "identifiers", failure: .invalidField)
            try identifier.rejectUnknown(allowed: ["field", "unique"])
            result.append(Identifier(field: try identifier.requiredString("field"), unique: try identifier.optionalBool("unique") ?? false))
        }
        return result
    }

    /// One endpoint: `…ExternalId` (a string) or `…Match` (`{"field","value"}`), not both.
    static func selector(_ fields: FieldReader, side: String) throws(LedgerError) -> RecordSelector? {
        let idField = side + "ExternalId"
        let matchField = side + "Match"
        switch (try fields.optionalString(idField), try fields.optionalObject(matchField)) {
        case (let id?, nil):
            return .id(id)
        case (nil, let object?):
            let match = try FieldReader(.object(object), context: matchField, failure: .invalidField)
            try match.rejectUnknown(allowed: ["field", "value"])
            guard let value = match.fields["value"] else { throw match.fail("value", "is required") }
            switch value {
            case .array, .object: throw match.fail("value", "must be a JSON scalar (string, number, bool or null)")
            case .null, .bool, .int, .double, .string: break
            }
            return .match(FieldMatch(field: try match.requiredString("field"), value: value))
        case (.some, .some):
            throw fields.fail(matchField, "cannot be given together with '\(idField)'")
        case (nil, nil):
            return nil
        }
    }

    /// Kind, role and object types, with the object-type fields that belong
    /// to the kind (and none of the others).
    static func typeKey(_ fields: FieldReader) throws(LedgerError) -> RelationshipTypeKey {
        let kindName = try fields.requiredString("kind")
        guard let kind = RelationshipKind(rawValue: kindName) else {
            throw fields.fail("kind", "must be 'person_to_co' or 'co_to_co'")
        }
        let role = try fields.requiredString("role")
        switch kind {
        case .personToCo:
            for misplaced in ["parentCustomObjectType", "childCustomObjectType"] where fields.has(misplaced) {
                throw fields.fail(misplaced, "belongs to kind co_to_co; person_to_co uses 'customObjectType'")
            }
            return .personToCo(role: role, objectType: try fields.requiredString("customObjectType"))
        case .coToCo:
            if fields.has("customObjectType") {
                throw fields.fail("customObjectType", "belongs to kind person_to_co; co_to_co uses 'parentCustomObjectType' and 'childCustomObjectType'")
            }
            return .coToCo(role: role, parent: try fields.requiredString("parentCustomObjectType"),
                           child: try fields.requiredString("childCustomObjectType"))
        }
    }

    static func registration(_ fields: FieldReader) throws(LedgerError) -> Registration {
        let key = try typeKey(fields)
        var cardinality: Cardinality?
        if let text = try fields.optionalString("cardinality") {
            guard let parsed = Cardinality(rawValue: text) else {
                throw LedgerError(.invalidCardinality, "cardinality must be one of \(Cardinality.allCases.map(\.rawValue).joined(separator: ", "))",
                                  details: ["field": .string("cardinality")])
            }
            cardinality = parsed
        }
        return Registration(key: key, cardinality: cardinality, description: try fields.optionalString("description"),
                            bidirectional: try fields.optionalBool("bidirectional"), inverseRole: try fields.optionalString("inverseRole"))
    }

    public static func linkRequest(_ fields: FieldReader, scope: Scope = .line) throws(LedgerError) -> LinkRequest {
        let reference: RelationshipTypeReference
        switch (try fields.optionalString("relationshipTypeId"), try fields.optionalObject("relationshipType")) {
        case (let id?, nil):
            reference = .id(id)
        case (nil, let object?):
            let keyFields = try FieldReader(.object(object), context: "relationshipType", failure: .invalidField)
            try keyFields.rejectUnknown(allowed: ["kind", "role", "customObjectType", "parentCustomObjectType", "childCustomObjectType"])
            reference = .key(try typeKey(keyFields))
        case (.some, .some):
            throw fields.fail("relationshipType", "cannot be given together with 'relationshipTypeId'")
        case (nil, nil):
            throw fields.fail("relationshipTypeId", "is required (or 'relationshipType' with kind, role and object types)")
        }
        let person = try selector(fields, side: "person")
        let object = try selector(fields, side: "customObject")
        let parent = try selector(fields, side: "parent")
        let child = try selector(fields, side: "child")
        var namedAsRecords = false
        if scope == .handedOver, let endpoints = try fields.optionalString("endpoints") {
            guard endpoints == "records" else { throw fields.fail("endpoints", "must be 'records'") }
            namedAsRecords = true
        }
        switch (person, object, parent, child) {
        case (let from?, let to?, nil, nil):
            return LinkRequest(type: reference, from: from, to: to, style: namedAsRecords ? .records : .personAndObject)
        case (nil, nil, let from?, let to?):
            return LinkRequest(type: reference, from: from, to: to, style: .parentAndChild)
        default:
            throw fields.fail(person != nil || object != nil ? "customObjectExternalId" : "parentExternalId",
                              "endpoints must be 'personExternalId' + 'customObjectExternalId' or 'parentExternalId' + 'childExternalId' (or their '…Match' forms)")
        }
    }
}
