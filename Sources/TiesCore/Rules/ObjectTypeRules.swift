/// `defineObjectType`: an upsert by name. Defining it again with the same
/// description appends nothing; with another description it appends a new
/// `objectType.defined` that replaces the description.
enum ObjectTypeRules {
    static func define(_ type: ObjectType, in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        try Validation.typeName(type.name, field: "name")
        try Validation.description(type.description)
        if type.name == RecordRef.personType {
            // Built in: always defined, nothing to record.
            return ([], .objectType(ObjectType(name: type.name, description: nil), created: false, changed: false))
        }
        guard let existing = try state.objectType(named: type.name) else {
            return ([.objectTypeDefined(type)], .objectType(type, created: true, changed: true))
        }
        guard let description = type.description, description != existing.description else {
            return ([], .objectType(existing, created: false, changed: false))
        }
        let redefined = ObjectType(name: type.name, description: description)
        return ([.objectTypeDefined(redefined)], .objectType(redefined, created: false, changed: true))
    }

    /// Checks that `name` is a defined custom object type; unknown names fail
    /// with `unknown_object_type` and close names as `suggestions`.
    static func requireCustomType(_ name: String, field: String, in state: any LedgerStateView) throws(LedgerError) {
        try Validation.typeName(name, field: field)
        if name == RecordRef.personType {
            throw Validation.fail(field, "must be a custom object type; 'person' is built in and is always the from side of person_to_co")
        }
        guard try state.objectType(named: name) == nil else { return }
        throw unknownType(name, field: field, candidates: try state.objectTypeNames())
    }

    /// `unknown_object_type` for `name`, with the close names among `candidates` as `suggestions`.
    static func unknownType(_ name: String, field: String, candidates: [String]) -> LedgerError {
        let suggestions = Suggestions.closest(to: name, among: candidates)
        var message = "object type '\(name)' is not defined"
        if !suggestions.isEmpty { message += "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?" }
        return LedgerError(.unknownObjectType, message, details: [
            "field": .string(field), "name": .string(name), "suggestions": .array(suggestions.map(JSONValue.string)),
        ])
    }
}
