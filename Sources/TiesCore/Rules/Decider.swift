/// The rules of the ledger (TiesCore.docc/Rules.md): `decide(state, operations) -> events | rejection`.
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
        case .upsertRecord(let record, let set, let unset):
            return try RecordRules.upsert(record, set: set, unset: unset, in: state)
        case .eraseRecord(let record):
            return try RecordRules.erase(record, in: state)
        case .restoreLink(let request, let attributes):
            return try LinkRules.restore(request, attributes: attributes, in: state)
        }
    }
}
