import TiesCore

/// Snapshots, automatic and on demand, and rebuilding the projection.
extension Ledger {
    /// Takes a snapshot of the projection now (writer only), then prunes.
    @discardableResult
    public func takeSnapshot(now: Timestamp = Ledger.clock()) throws(LedgerError) -> SnapshotInfo {
        guard isWriter else {
            throw LedgerError(.ledgerReadOnly, "snapshots are taken by the writer; open the ledger for writing")
        }
        backgroundSnapshots?.waitUntilIdle(timeoutMs: Limits.snapshotWaitMs)
        flushProjection()
        let policy = try schedule().policy
        snapshotSchedule = SnapshotSchedule(policy: policy, commitsSince: 0, logOffsetAtLast: projection.head.logEndOffset)
        return try Self.snapshot(layout, now: now, keeping: policy.kept)
    }

    /// Copies the projection into a snapshot and prunes to `kept`; it reads
    /// through a connection of its own, so it may run beside the writer.
    private static func snapshot(_ layout: LedgerLayout, now: Timestamp, keeping kept: Int) throws(LedgerError) -> SnapshotInfo {
        let store = SnapshotStore(layout: layout)
        let info = try store.take(now: now)
        try store.prune(keeping: kept)
        return info
    }

    /// Every snapshot file, newest first, with its size: a listing, not a
    /// check (`snapshots()` checks, reading each one whole), so it is cheap
    /// enough for a page that shows the ledger.
    public func snapshotFiles() throws(LedgerError) -> [(seq: Int64, bytes: Int64)] {
        try SnapshotStore(layout: layout).files().map { ($0.seq, layout.fileSystem.fileSize(atPath: $0.path)) }
    }

    /// Every snapshot, newest first, each checked (stamp, log hash, digest).
    public func snapshots() throws(LedgerError) -> [SnapshotInfo] {
        let store = SnapshotStore(layout: layout)
        return try store.files().map { store.check($0.path, seq: $0.seq, log: log) }
    }

    /// Called after each group: takes a snapshot when the policy says so.
    /// A failed automatic snapshot is a warning, never a failed commit.
    func snapshotIfDue(commits: Int) {
        do throws(LedgerError) {
            var current = try schedule()
            current.commitsSince += Int64(commits)
            snapshotSchedule = current
            guard current.isDue(logSize: log.size) else { return }
            guard let backgroundSnapshots else {
                try takeSnapshot()
                return
            }
            let (layout, warn, kept) = (layout, warn, current.policy.kept)
            // Started off the writer's thread; one already running covers this one.
            if backgroundSnapshots.startIfIdle({
                do throws(LedgerError) {
                    _ = try Self.snapshot(layout, now: Ledger.clock(), keeping: kept)
                } catch {
                    warn("an automatic snapshot failed (\(error.message)); commits are unaffected")
                }
            }) {
                snapshotSchedule = SnapshotSchedule(policy: current.policy, commitsSince: 0, logOffsetAtLast: projection.head.logEndOffset)
            }
        } catch {
            warn("an automatic snapshot failed (\(error.message)); commits are unaffected")
        }
    }

    private func schedule() throws(LedgerError) -> SnapshotSchedule {
        if let snapshotSchedule { return snapshotSchedule }
        let policy = try SnapshotPolicy.load(layout)
        var logOffset: Int64 = 0
        var seq: Int64 = 0
        if let newest = try SnapshotStore(layout: layout).files().first {
            seq = newest.seq
            logOffset = (try? SnapshotStore.open(newest.path, readOnly: true))?.head.logEndOffset ?? 0
        }
        let schedule = SnapshotSchedule(policy: policy, commitsSince: try projection.commitCount(after: seq), logOffsetAtLast: logOffset)
        snapshotSchedule = schedule
        return schedule
    }

    /// Rebuilds the projection: from the newest valid snapshot plus the log
    /// tail, or (`full`) from the whole log. Returns the range of seqs replayed.
    @discardableResult
    public func rebuild(full: Bool, progress: ((ReplayProgress) -> Void)? = nil) throws(LedgerError) -> (fromSeq: Int64, toSeq: Int64) {
        guard isWriter else {
            throw LedgerError(.ledgerReadOnly, "rebuilding needs the writer lock; open the ledger for writing")
        }
        backgroundSnapshots?.waitUntilIdle(timeoutMs: Limits.snapshotWaitMs)
        projection.db.close()
        let restored: (projection: Projection, replayedFrom: Int64)
        do throws(LedgerError) {
            for file in layout.projectionFiles { try layout.fileSystem.unlink(file) }
            restored = try Ledger.restoreProjection(layout, log: log, keys: recordKeys, fromSnapshots: !full, warn: warn, progress: progress)
        } catch {
            // The old projection is closed: nothing is decided on it until a reopen.
            projectionFailure = LedgerError(error.code, "the projection could not be rebuilt (\(error.message)); reopen the ledger",
                                            details: error.details)
            throw error
        }
        projection = restored.projection
        try catchUp(progress: progress)
        recordKeys?.warnAboutMissingKeys(warn)
        projectionFailure = nil
        // The replay writes again the tombstone of an erased record whose key came back.
        try removeCopiesOfErasedValues()
        return (restored.replayedFrom, projection.head.seq)
    }
}
