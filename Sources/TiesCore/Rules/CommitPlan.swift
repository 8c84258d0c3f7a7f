/// The events a commit will append and the answer to each operation.
public struct CommitPlan: Hashable, Sendable {
    public var events: [Event]
    public var results: [OperationResult]
}
