import TiesCore

/// One commit to make: its operations and who asks.
public struct CommitRequest: Sendable {
    public var operations: [Operation]
    public var metadata: CommitMetadata

    public init(operations: [Operation], metadata: CommitMetadata) {
        self.operations = operations
        self.metadata = metadata
    }
}

extension Ledger {
    /// Decides and appends one commit; answers only once it is durable.
    public func commit(_ operations: [Operation], metadata: CommitMetadata, now: Timestamp = Ledger.clock()) throws(LedgerError) -> CommitReceipt {
        try commitGroup([CommitRequest(operations: operations, metadata: metadata)], now: now)[0].get()
    }

    /// The wall clock; commit times are kept non-decreasing on top of it.
    public static func clock() -> Timestamp { Syscalls.now() }

    /// Group commit: decides each request against the state the ones before
    /// it leave (each stays its own atomic commit), appends them all, syncs
    /// once, applies them to the projection, then answers every one.
    /// A rejected request does not affect the others. A failed append or
    /// sync throws for the whole group: none of it was acknowledged.
    public func commitGroup(_ requests: [CommitRequest], now: Timestamp = Ledger.clock()) throws(LedgerError) -> [Result<CommitReceipt, LedgerError>] {
        guard isWriter else {
            throw LedgerError(.ledgerReadOnly, "this ledger was opened for reading; open it for writing to commit")
        }
        if let stale = projectionFailure { throw stale }
        let overlay = CommitOverlay(base: projection)
        // Never earlier than the last commit, even if the wall clock stepped back.
        let at = max(now, projection.head.lastAt ?? now)
        var nextSeq = projection.head.seq + 1
        var previousHash = projection.head.hash
        var sealed: [SealedCommit] = []
        var outcomes: [Result<CommitReceipt, LedgerError>] = []
        for request in requests {
            do {
                let metadata = request.metadata
                try Validation.commitMetadata(actor: metadata.actor, reason: metadata.reason, idempotencyKey: metadata.idempotencyKey)
                let plan = try Decider.plan(request.operations, against: overlay)
                guard !plan.events.isEmpty else {
                    outcomes.append(.success(CommitReceipt(results: plan.results)))
                    continue
                }
                let commit = try CommitCodec.seal(Commit(
                    firstSeq: nextSeq, at: at, actor: metadata.actor, reason: metadata.reason,
                    idempotencyKey: metadata.idempotencyKey, events: plan.events, previousHash: previousHash))
                for event in plan.events { try overlay.apply(event) }
                sealed.append(commit)
                nextSeq = commit.commit.lastSeq + 1
                previousHash = commit.hash
                outcomes.append(.success(CommitReceipt(results: plan.results, firstSeq: commit.commit.firstSeq,
                                                       lastSeq: commit.commit.lastSeq, at: at, hash: commit.hash)))
            } catch {
                outcomes.append(.failure(error))
            }
        }
        guard !sealed.isEmpty else { return outcomes }
        let offsets = try log.append(sealed.map(\.line))
        // Durable from here on: the answers stand even if the projection
        // cannot keep up; it is then refused until reopened and caught up.
        do {
            try projection.apply(zip(sealed, offsets).map { ScannedCommit(sealed: $0, offset: $1) })
        } catch {
            projectionFailure = LedgerError(error.code, "the projection could not apply committed seqs (\(error.message)); reopen the ledger to catch up",
                                            details: error.details)
            warn(projectionFailure?.message ?? error.message)
        }
        return outcomes
    }
}
