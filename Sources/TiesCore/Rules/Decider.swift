/// What one operation did, for the caller's answer (CLI output, HTTP body).
public enum OperationResult: Hashable, Sendable {
    case objectType(ObjectType, created: Bool, changed: Bool)
    case relationshipType(RelationshipType, created: Bool, changed: Bool)
    case link(LinkKey, created: Bool, changed: Bool)
    case attributes(LinkKey, changed: Bool)
    case unlink(LinkKey)
}

/// The events a commit will append and the answer to each operation.
public struct CommitPlan: Hashable, Sendable {
    public var events: [Event]
    public var results: [OperationResult]
}

/// The rules of SPEC §2: `decide(state, operations) -> events | rejection`.
/// Pure: the state is read through `LedgerStateView`, nothing is written.
public enum Decider {
    /// Decides a whole commit. Each operation sees the events of those
    /// before it; the first rejection rejects the commit (its `details`
    /// carry the operation's `index`).
    public static func plan(_ operations: [Operation], against state: any LedgerStateView) throws(LedgerError) -> CommitPlan {
        guard operations.count <= Limits.operationsPerCommitMax else {
            throw LedgerError(.invalidField, "a commit holds at most \(Limits.operationsPerCommitMax) operations; got \(operations.count)")
        }
        let overlay = CommitOverlay(base: state)
        var plan = CommitPlan(events: [], results: [])
        plan.results.reserveCapacity(operations.count)
        for (index, operation) in operations.enumerated() {
            do {
                let (events, result) = try decide(operation, in: overlay)
                for event in events { try overlay.apply(event) }
                plan.events.append(contentsOf: events)
                plan.results.append(result)
            } catch {
                throw error.code.isStorageFailure ? error : error.at(operationIndex: index)
            }
        }
        guard plan.events.count <= Limits.eventsPerCommitMax else {
            throw LedgerError(.invalidField, "a commit holds at most \(Limits.eventsPerCommitMax) events; this one would have \(plan.events.count)")
        }
        return plan
    }

    static func decide(_ operation: Operation, in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        switch operation {
        case .defineObjectType(let type):
            return try ObjectTypeRules.define(type, in: state)
        case .registerRelationshipType(let registration):
            return try RelationshipTypeRules.register(registration, in: state)
        case .link(let request, let attributes):
            return try LinkRules.link(request, attributes: attributes, in: state)
        case .setAttributes(let request, let set, let unset):
            return try LinkRules.setAttributes(request, set: set, unset: unset, in: state)
        case .unlink(let request):
            return try LinkRules.unlink(request, in: state)
        }
    }
}

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
        let suggestions = Suggestions.closest(to: name, among: try state.objectTypeNames())
        var message = "object type '\(name)' is not defined"
        if !suggestions.isEmpty { message += "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?" }
        throw LedgerError(.unknownObjectType, message, details: [
            "field": .string(field), "name": .string(name), "suggestions": .array(suggestions.map(JSONValue.string)),
        ])
    }
}
