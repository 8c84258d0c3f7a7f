import TiesCore
import TiesSystem

extension Ledger {
    /// Decides and appends one commit; answers only once it is durable.
    public func commit(_ operations: [Operation], metadata: CommitMetadata, now: Timestamp = Ledger.clock()) throws(LedgerError) -> CommitReceipt {
        try commitGroup([CommitRequest(operations: operations, metadata: metadata)], now: now)[0].get()
    }

    /// The wall clock; commit times are kept non-decreasing on top of it.
    public static func clock() -> Timestamp { Timestamp(millisecondsSinceEpoch: SystemClock.wallMilliseconds()) }

    /// Group commit: decides each request against the state the ones before
    /// it leave (each stays its own atomic commit), appends them all, syncs
    /// once, applies them to the projection (an import: while the append
    /// syncs, `appendWhileApplying`), then answers every one.
    /// A rejected request does not affect the others. A failed append or
    /// sync throws for the whole group: none of it was acknowledged.
    public func commitGroup(_ requests: [CommitRequest], now: Timestamp = Ledger.clock()) throws(LedgerError) -> [Result<CommitReceipt, LedgerError>] {
        guard isWriter else {
            throw LedgerError(.ledgerReadOnly, "this ledger was opened for reading; open it for writing to commit")
        }
        if let stale = projectionFailure { throw stale }
        // A log that failed a sync may hold a commit it never acknowledged,
        // whose record keys must not be replaced by a retry's.
        if let refusal = log.refusal { throw refusal }
        if let damage = try DamageRecord.load(layout) { throw damage.refusal }
        var group = GroupState(overlay: CommitOverlay(base: projection), head: projection.head,
                               at: max(now, projection.head.lastAt ?? now))  // Never earlier than the last commit.
        // One read transaction for all the decider's lookups: SQLite takes
        // its WAL read lock once per group instead of once per statement.
        let outcomes = try projection.db.reading { () throws(LedgerError) in
            requests.enumerated().map { index, request in
                Result { () throws(LedgerError) in try decide(request, in: &group, isLast: index == requests.count - 1) }
            }
        }
        guard !group.sealed.isEmpty else { return outcomes }
        // SQLite may have dropped the open batch (a statement that failed,
        // here or in an earlier group): then the decisions saw a state
        // without it, and none may be appended. One check, just before the append.
        do throws(LedgerError) {
            try projection.checkOpenBatch()
        } catch {
            projectionFailed(error)
            throw projectionFailure ?? error
        }
        ChainInvariant.check(group.sealed, continue: projection.head.seq, projection.head.hash)
        let erased = group.sealed.flatMap(\.commit.events).compactMap { event -> RecordRef? in
            if case .recordErased(let record) = event { return record }
            return nil
        }
        if projection.batching != .everyApply, erased.isEmpty {
            try appendWhileApplying(group)
            return outcomes
        }
        // A record's key is durable before any value it sealed is.
        try recordKeys?.store(group.newKeys)
        let offsets = try log.append(group.sealed.map(\.line))
        // Durable from here on: the answers stand even if the projection
        // cannot keep up; it is then refused until reopened and caught up.
        do throws(LedgerError) {
            // Erased records lose their keys first, before anything else can fail.
            try recordKeys?.destroy(erased)
            if !erased.isEmpty { emptyKeyStoreWAL() }
            try projection.apply(zip(group.sealed, offsets).map { ScannedCommit(sealed: $0, offset: $1) })
            if !erased.isEmpty {
                try projection.flush()
                try removeCopiesOfErasedValues(keyStoreWALEmptied: true)
            }
        } catch {
            projectionFailed(error)
            return outcomes
        }
        let commits = group.sealed.filter { !$0.commit.isReceipt }.count
        if commits > 0 { snapshotIfDue(commits: commits) }
        return outcomes
    }

    /// An import's group (the projection gathers many groups in one
    /// transaction, and none erases a record): the key store and the log
    /// make it durable on a helper thread while this thread applies it to
    /// the projection's open transaction, which commits only once the
    /// group is durable, so the projection is never ahead of the log. The
    /// group is answered once both are done. If the log does not take it,
    /// the open transaction is rolled back with the earlier groups it held
    /// (durable in the log), and writes are refused until a reopen catches up.
    private func appendWhileApplying(_ group: GroupState) throws(LedgerError) {
        let lines = group.sealed.map(\.line)
        let offsets = log.offsets(of: lines)
        let durable = DurableAppend(log: log, keys: recordKeys, newKeys: group.newKeys, lines: lines)
        durable.start()
        let applied = Result { () throws(LedgerError) in
            try projection.apply(zip(group.sealed, offsets).map { ScannedCommit(sealed: $0, offset: $1) }, committing: false)
        }
        switch durable.wait() {
        case .failure(let error):
            // Whether or not the apply got through, the open transaction
            // (rolled back by a failed apply) no longer matches the log.
            projectionFailed(LedgerError(error.code, "an import's commit was not appended (\(error.message)), and the projection's open transaction was rolled back with it",
                                         details: error.details), rollingBack: true)
            throw error
        case .success(let appended):
            precondition(appended == offsets, "the log put the lines elsewhere than it said it would")
        }
        do throws(LedgerError) {
            _ = try applied.get()
            try projection.commitIfFull()
        } catch {
            projectionFailed(error)
            return
        }
        let commits = group.sealed.filter { !$0.commit.isReceipt }.count
        if commits > 0 { snapshotIfDue(commits: commits) }
    }

    /// Runs `body` (an import) with the projection applying its commits in
    /// large transactions rather than one per commit; each commit is still
    /// durable in the log before it is answered. Readers in other processes
    /// see the projection move as each such transaction commits (ProjectionBatching).
    public func bulkLoading<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        projection.batching = .bulk
        defer {
            projection.batching = .everyApply
            flushProjection()
        }
        return try body()
    }

    /// Commits what the projection has gathered. A failure stops writes
    /// until a reopen catches up, as a failed apply does.
    func flushProjection() {
        do throws(LedgerError) {
            try projection.flush()
        } catch {
            projectionFailed(error)
        }
    }

    /// Committed seqs the projection could not apply: the decider would see
    /// stale state, so writes are refused until the ledger is reopened.
    /// `rollingBack`: the open transaction holds commits the log does not,
    /// and is rolled back first (with the earlier ones it holds, which the
    /// log does).
    private func projectionFailed(_ error: LedgerError, rollingBack: Bool = false) {
        if rollingBack { try? projection.abandonBatch() }  // The error worth reporting is `error`.
        let message = rollingBack ? error.message : "the projection could not apply committed seqs (\(error.message))"
        projectionFailure = LedgerError(error.code, "\(message); reopen the ledger to catch up", details: error.details)
        warn(projectionFailure?.message ?? error.message)
    }

    /// What the requests decided so far in one group leave behind.
    struct GroupState {
        let overlay: CommitOverlay
        var head: ProjectionHead
        let at: Timestamp
        var sealed: [SealedCommit] = []
        /// Keys used earlier in this group (not yet in the projection).
        var keys: [String: IdempotencyRecord] = [:]
        /// Keys made for records that had none, stored before the append.
        var newKeys: [RecordRef: [UInt8]] = [:]

        init(overlay: CommitOverlay, head: ProjectionHead, at: Timestamp) {
            self.overlay = overlay
            self.head = head
            self.at = at
        }
    }

    private func firstAttempt(_ key: String, _ group: GroupState) throws(LedgerError) -> IdempotencyRecord? {
        if let record = group.keys[key] { return record }
        return try projection.idempotencyRecord(key)
    }

    /// `isLast`: no later request of the group needs to see this one's events.
    private func decide(_ request: CommitRequest, in group: inout GroupState, isLast: Bool) throws(LedgerError) -> CommitReceipt {
        let metadata = request.metadata
        try Validation.commitMetadata(actor: metadata.actor, reason: metadata.reason, idempotencyKey: metadata.idempotencyKey)
        if let principal = metadata.principal { try Validation.principal(principal) }
        // A retry is answered before any condition: its first attempt may have moved the head.
        if let key = metadata.idempotencyKey, let prior = try firstAttempt(key, group) {
            guard prior.digest == request.requestDigest else {
                throw LedgerError(.idempotencyKeyReused, "idempotency key '\(key)' was used for another request",
                                  details: ["idempotencyKey": .string(key)])
            }
            return Self.replay(prior)
        }
        if let expected = request.expectedHeadSeq, expected != group.head.seq {
            throw LedgerError(.sequenceConflict, "the head is at seq \(group.head.seq), not \(expected)",
                              details: ["headSeq": .int(group.head.seq), "expectedHeadSeq": .int(expected)])
        }
        let plan = try Decider.plan(request.operations, against: group.overlay)
        var receipt = CommitReceipt(results: plan.results)
        if !plan.events.isEmpty {
            receipt.firstSeq = group.head.seq + 1
            receipt.lastSeq = group.head.seq + Int64(plan.events.count)
            receipt.at = group.at
        }
        let key = metadata.idempotencyKey
        // Unkeyed, a request that changes nothing leaves no trace; keyed, a
        // receipt (a line with no events, no seq) keeps its key for the life
        // of the ledger, a rebuild from the log included.
        guard !plan.events.isEmpty || key != nil else { return receipt }
        let sealed = try CommitCodec.seal(Commit(
            firstSeq: group.head.seq + 1, at: group.at, actor: metadata.actor, principal: metadata.principal, reason: metadata.reason,
            idempotencyKey: key, events: try sealFields(plan.events, created: plan.createdRecords, newKeys: &group.newKeys), previousHash: group.head.hash,
            requestDigest: key == nil ? nil : request.requestDigest, results: key == nil ? nil : plan.results))
        if !isLast {
            for event in plan.events { try group.overlay.apply(event) }
        }
        group.sealed.append(sealed)
        group.head.seq = sealed.commit.lastSeq
        group.head.hash = sealed.hash
        if let key { group.keys[key] = IdempotencyRecord(sealed.commit) }
        receipt.hash = sealed.hash
        return receipt
    }

    /// A retry's answer: the first attempt's receipt, marked as replayed.
    private static func replay(_ prior: IdempotencyRecord) -> CommitReceipt {
        switch prior.outcome {
        case .results(let results, let lastSeq):
            return CommitReceipt(results: results, firstSeq: prior.firstSeq, lastSeq: lastSeq, replayed: true)
        case .legacy(let response):
            return CommitReceipt(results: [], firstSeq: prior.firstSeq, legacyResponse: response, replayed: true)
        }
    }
}
