/// `defineObjectType`: an upsert by name (`person` included, which is built
/// in and can be refined). What the operation omits is kept; identifiers
/// are merged. Nothing new appends nothing; a change appends an
/// `objectType.defined` holding the whole new definition.
public enum ObjectTypeRules {
    static func define(_ definition: ObjectTypeDefinition, in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        try Validation.typeName(definition.name, field: "name")
        try Validation.description(definition.description)
        try validate(definition.identifiers)
        let existing = try state.objectTypeOrBuiltIn(named: definition.name)
        var defined = existing ?? ObjectType(name: definition.name, description: nil)
        if let description = definition.description { defined.description = description }
        if let requireRecords = definition.requireRecords { defined.requireRecords = requireRecords }
        for identifier in definition.identifiers {
            if let index = defined.identifiers.firstIndex(where: { $0.field.utf8Equals(identifier.field) }) {
                defined.identifiers[index] = identifier
            } else {
                defined.identifiers.append(identifier)
            }
        }
        guard defined.identifiers.count <= Limits.identifiersPerTypeMax else {
            throw Validation.fail("identifiers", "would give the type \(defined.identifiers.count) identifiers; at most \(Limits.identifiersPerTypeMax)")
        }
        guard defined != existing else {
            return ([], .objectType(defined, created: false, changed: false))
        }
        for identifier in defined.identifiers where identifier.unique && existing?.identifier(identifier.field)?.unique != true {
            try requireUniqueValues(of: identifier.field, type: defined.name, in: state)
        }
        return ([.objectTypeDefined(defined)], .objectType(defined, created: existing == nil, changed: true))
    }

    private static func validate(_ identifiers: [Identifier]) throws(LedgerError) {
        var seen: Set<String> = []
        for identifier in identifiers {
            try Validation.attributeKey(identifier.field, field: "identifiers")
            guard seen.insert(identifier.field).inserted else {
                throw Validation.fail("identifiers", "names field '\(identifier.field)' twice")
            }
        }
    }

    /// Making an identifier unique needs its current values to be unique already.
    private static func requireUniqueValues(of field: String, type: String, in state: any LedgerStateView) throws(LedgerError) {
        let sharing = try state.recordsSharingValues(ofType: type, field: field, limit: Limits.matchCandidatesMax)
        guard let first = sharing.first else { return }
        throw LedgerError(.duplicateIdentifier, "'\(field)' cannot be a unique identifier of \(type): records such as \(first) share a value",
                          details: ["field": .string(field), "objectType": .string(type),
                                    "records": .array(sharing.map { .string($0.description) })])
    }

    /// Checks that `name` is a defined custom object type; unknown names fail
    /// with `unknown_object_type` and close names as `suggestions`.
    static func requireCustomType(_ name: String, field: String, in state: any LedgerStateView) throws(LedgerError) {
        try Validation.typeName(name, field: field)
        if name == RecordRef.personType {
            throw Validation.fail(field, "must be a custom object type; 'person' is built in and is always the from side of person_to_co")
        }
        guard try state.objectType(named: name) == nil else { return }
        throw unknownType(name, field: field, candidates: try state.objectTypeNames().filter { $0 != RecordRef.personType })
    }

    /// The object type `name` (custom or `person`), or `unknown_object_type`
    /// with close names as `suggestions`.
    public static func requireType(_ name: String, field: String, in state: any LedgerStateView) throws(LedgerError) -> ObjectType {
        try Validation.typeName(name, field: field)
        if let type = try state.objectTypeOrBuiltIn(named: name) { return type }
        throw unknownType(name, field: field, candidates: try state.objectTypeNames() + [RecordRef.personType])
    }

    /// `unknown_object_type` for `name`, with the close names among `candidates` as `suggestions`.
    static func unknownType(_ name: String, field: String, candidates: [String]) -> LedgerError {
        let suggestions = Suggestions.closest(to: name, among: Set(candidates).sorted(by: utf8Less))
        var message = "object type '\(name)' is not defined"
        if !suggestions.isEmpty { message += "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?" }
        return LedgerError(.unknownObjectType, message, details: [
            "field": .string(field), "name": .string(name), "suggestions": .array(suggestions.map(JSONValue.string)),
        ])
    }
}
