import TiesCore

/// How an import commits.
public struct ImportOptions: Sendable {
    /// Operations per commit (ignored with `atomic`).
    public var batchSize: Int
    /// The whole input as one commit: all or nothing.
    public var atomic: Bool
    public var metadata: CommitMetadata

    public init(batchSize: Int = Limits.importBatchDefault, atomic: Bool = false, metadata: CommitMetadata) {
        self.batchSize = batchSize
        self.atomic = atomic
        self.metadata = metadata
    }
}
