/// Decodes operation objects (TiesCore.docc/Operations.md). Structural problems (wrong JSON types,
/// unknown fields, bad enum values) are rejected here; rules that need state
/// (does the type exist? cardinality?) are the decider's.
public enum OperationDecoding {
    /// Decodes one JSON object with an `"op"` field.
    public static func decode(_ value: JSONValue) throws(LedgerError) -> Operation {
        let fields = try FieldReader(value, context: "operation", failure: .invalidField)
        let op = try fields.requiredString("op")
        return try decode(op: op, fields: fields)
    }

    /// Decodes the fields of a known op (HTTP endpoints imply the op).
    public static func decode(op: String, fields: FieldReader) throws(LedgerError) -> Operation {
        switch op {
        case "defineObjectType":
            try fields.rejectUnknown(allowed: ["op", "name", "description"])
            return .defineObjectType(ObjectType(name: try fields.requiredString("name"), description: try fields.optionalString("description")))
        case "registerRelationshipType":
            try fields.rejectUnknown(allowed: registrationFields.union(["op"]))
            return .registerRelationshipType(try registration(fields))
        case "link":
            try fields.rejectUnknown(allowed: linkFields.union(["op", "attributes"]))
            return .link(try linkRequest(fields), attributes: try fields.optionalObject("attributes") ?? [:])
        case "setAttributes":
            try fields.rejectUnknown(allowed: linkFields.union(["op", "set", "unset"]))
            return .setAttributes(try linkRequest(fields), set: try fields.optionalObject("set") ?? [:],
                                  unset: try fields.optionalStringArray("unset") ?? [])
        case "unlink":
            try fields.rejectUnknown(allowed: linkFields.union(["op"]))
            return .unlink(try linkRequest(fields))
        default:
            throw LedgerError(.invalidField, "unknown op '\(op)'; expected one of \(Operation.names.joined(separator: ", "))",
                              details: ["field": .string("op")])
        }
    }

    static let registrationFields: Set<String> = [
        "kind", "role", "customObjectType", "parentCustomObjectType", "childCustomObjectType",
        "cardinality", "description", "bidirectional", "inverseRole",
    ]
    static let linkFields: Set<String> = [
        "relationshipTypeId", "relationshipType",
        "personExternalId", "customObjectExternalId", "parentExternalId", "childExternalId",
    ]

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

    static func linkRequest(_ fields: FieldReader) throws(LedgerError) -> LinkRequest {
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
        let person = try fields.optionalString("personExternalId")
        let object = try fields.optionalString("customObjectExternalId")
        let parent = try fields.optionalString("parentExternalId")
        let child = try fields.optionalString("childExternalId")
        switch (person, object, parent, child) {
        case (let from?, let to?, nil, nil):
            return LinkRequest(type: reference, fromID: from, toID: to, style: .personAndObject)
        case (nil, nil, let from?, let to?):
            return LinkRequest(type: reference, fromID: from, toID: to, style: .parentAndChild)
        default:
            throw fields.fail(person != nil || object != nil ? "customObjectExternalId" : "parentExternalId",
                              "endpoints must be 'personExternalId' + 'customObjectExternalId' or 'parentExternalId' + 'childExternalId'")
        }
    }
}
