/// The events a commit will append and the answer to each operation.
public struct CommitPlan: Hashable, Sendable {
    public var events: [Event]
    public var results: [OperationResult]

    /// Records this commit creates: the decider found them in neither the
    /// ledger nor the commit's earlier operations.
    public var createdRecords: Set<RecordRef> {
        Set(results.compactMap { result in
            if case .record(let record, created: true, _) = result { return record }
            return nil
        })
    }
}
