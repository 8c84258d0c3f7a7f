import TiesCore
import TiesSystem

/// One commit to make: its operations, who asks, and the conditions a
/// client attached (HTTP `If-Match`, `Idempotency-Key`).
public struct CommitRequest: Sendable {
    public var operations: [Operation]
    public var metadata: CommitMetadata
    /// Commit only if the head is still this seq (else `sequence_conflict`).
    public var expectedHeadSeq: Int64?
    /// With `metadata.idempotencyKey`: what identifies the request, so the
    /// same key with another request is refused (`idempotency_key_reused`).
    public var requestDigest: String?

    public init(operations: [Operation], metadata: CommitMetadata, expectedHeadSeq: Int64? = nil, requestDigest: String? = nil) {
        self.operations = operations
        self.metadata = metadata
        self.expectedHeadSeq = expectedHeadSeq
        self.requestDigest = requestDigest
    }
}
