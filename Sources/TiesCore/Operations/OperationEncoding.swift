/// Writes an operation in the operation-line form that `OperationDecoding`
/// reads (TiesCore.docc/Operations.md): how the CLI hands its writes to the
/// `ties serve` that holds the ledger. What only the CLI makes has no line
/// form, and is written with members that only `OperationDecoding`'s
/// `.handedOver` scope takes: endpoints named as records (`TYPE:ID`, which
/// fit either kind: `"endpoints":"records"`), `eraseRecord` and `restoreLink`.
public enum OperationEncoding {
    /// The operation as one JSON object; empty `attributes`, `unset` and
    /// an upsert's empty `set` are left out (the decoder reads them absent
    /// as empty).
    public static func encode(_ operation: Operation) -> JSONValue {
        var fields: [String: JSONValue]
        switch operation {
        case .defineObjectType(let definition):
            fields = ["op": .string("defineObjectType"), "name": .string(definition.name)]
            fields["description"] = definition.description.map(JSONValue.string)
            if !definition.identifiers.isEmpty {
                fields["identifiers"] = .array(definition.identifiers.map { .object(["field": .string($0.field), "unique": .bool($0.unique)]) })
            }
            fields["requireRecords"] = definition.requireRecords.map(JSONValue.bool)
        case .registerRelationshipType(let registration):
            fields = registration.key.jsonFields
            fields["op"] = .string("registerRelationshipType")
            fields["cardinality"] = registration.cardinality.map { .string($0.rawValue) }
            fields["description"] = registration.description.map(JSONValue.string)
            fields["bidirectional"] = registration.bidirectional.map(JSONValue.bool)
            fields["inverseRole"] = registration.inverseRole.map(JSONValue.string)
        case .link(let request, let attributes):
            fields = linkFields(request, op: "link")
            if !attributes.isEmpty { fields["attributes"] = .object(attributes) }
        case .setAttributes(let request, let set, let unset):
            fields = linkFields(request, op: "setAttributes")
            fields["set"] = .object(set)
            if !unset.isEmpty { fields["unset"] = .array(unset.map(JSONValue.string)) }
        case .unlink(let request):
            fields = linkFields(request, op: "unlink")
        case .upsertRecord(let record, let set, let unset):
            fields = ["op": .string("upsertRecord"), "objectType": .string(record.type), "externalId": .string(record.id)]
            if !set.isEmpty { fields["set"] = .object(set) }
            if !unset.isEmpty { fields["unset"] = .array(unset.map(JSONValue.string)) }
        case .eraseRecord(let record):
            fields = ["op": .string("eraseRecord"), "objectType": .string(record.type), "externalId": .string(record.id)]
        case .restoreLink(let request, let attributes):
            fields = linkFields(request, op: "restoreLink")
            if !attributes.isEmpty { fields["attributes"] = .object(attributes) }
        }
        return .object(fields)
    }

    private static func linkFields(_ request: LinkRequest, op: String) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["op": .string(op)]
        switch request.type {
        case .id(let id): fields["relationshipTypeId"] = .string(id)
        case .key(let key): fields["relationshipType"] = .object(key.jsonFields)
        }
        let (from, to) = request.style == .parentAndChild ? ("parent", "child") : ("person", "customObject")
        if request.style == .records { fields["endpoints"] = .string("records") }
        for (side, selector) in [(from, request.from), (to, request.to)] {
            switch selector {
            case .id(let id): fields[side + "ExternalId"] = .string(id)
            case .match(let match): fields[side + "Match"] = .object(["field": .string(match.field), "value": match.value])
            }
        }
        return fields
    }
}
