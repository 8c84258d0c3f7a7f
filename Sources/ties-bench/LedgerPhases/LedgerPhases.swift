import TiesCore
import TiesStore

/// The phases that go through the ledger's public API.
enum LedgerPhases {
    static let metadata = CommitMetadata(actor: "ties-bench", reason: "benchmark import")

    static func create(_ directory: String) throws(BenchError) -> Ledger {
        do {
            try Ledger.create(at: directory)
            return try Ledger.open(at: directory, access: .write, warn: { BenchSystem.progress("ledger warning: \($0)") })
        } catch {
            throw .failed("cannot create a ledger at \(directory): \(error)")
        }
    }

    /// Imports `path` and checks that it appended exactly `expectedEvents`:
    /// the generator promises one event per operation, and a benchmark
    /// that silently did less work would report a flattering rate.
    static func importFile(_ path: String, into ledger: Ledger, expectedEvents: Int,
                           metadata: CommitMetadata = metadata) throws(BenchError) -> ImportResult {
        let options = ImportOptions(batchSize: BenchLimits.importBatchSize, metadata: metadata)
        let writtenBefore = BenchSystem.bytesWritten()
        let start = BenchSystem.nowNs()
        let totals: ImportTotals
        do {
            totals = try Importer.run(try LineReader(path: path), into: ledger, options: options)
        } catch let failure as ImportFailure {
            throw .failed("import of \(path) failed at line \(failure.line): \(failure.error)")
        } catch {
            throw .failed("cannot read \(path): \(error)")
        }
        let seconds = Double(BenchSystem.nowNs() - start) / 1e9
        let written = BenchSystem.bytesWritten() - writtenBefore
        guard totals.events == Int64(expectedEvents), totals.unchanged == 0 else {
            throw .failed("""
                import of \(path) appended \(totals.events) events (\(totals.unchanged) operations unchanged); \
                expected \(expectedEvents): the workload generator and the ledger's rules disagree
                """)
        }
        return ImportResult(events: totals.events, commits: totals.commits, seconds: seconds, bytesWritten: written)
    }

    /// One of the workload's files, committed by its actor.
    static func importSegment(_ segment: WorkloadActors.Segment, into ledger: Ledger) throws(BenchError) -> ImportResult {
        BenchSystem.progress("importing \(segment.count) operations from \(segment.path) as \(segment.actor)")
        let byActor = CommitMetadata(actor: segment.actor, reason: Self.metadata.reason)
        return try importFile(segment.path, into: ledger, expectedEvents: segment.count, metadata: byActor)
    }

    /// The IDs the ledger gave the workload's relationship types, in
    /// `WorkloadType` order (the workload names types by ID, as a file
    /// written after setup would).
    static func typeIDs(_ ledger: Ledger) throws(BenchError) -> [String] {
        let types = ledger.catalog.relationshipTypes
        var ids: [String] = []
        for type in WorkloadType.allCases {
            guard let registered = types.first(where: { $0.key == type.key }) else {
                throw .failed("the setup import did not register \(type.key)")
            }
            ids.append(registered.id)
        }
        return ids
    }

    static func stats(_ ledger: Ledger) throws(BenchError) -> LedgerStats {
        do {
            return try ledger.stats()
        } catch {
            throw .failed("cannot read ledger stats: \(error)")
        }
    }

    /// Opens the closed ledger for writing `runs` times; each open is timed
    /// alone and the ledger is released (lock and files) before the next.
    static func reopen(_ directory: String, runs: Int) throws(BenchError) -> ReopenResult {
        var times: [Double] = []
        for _ in 0..<runs {
            let start = BenchSystem.nowNs()
            do {
                let ledger = try Ledger.open(at: directory, access: .write, warn: { BenchSystem.progress("ledger warning: \($0)") })
                times.append(Double(BenchSystem.nowNs() - start) / 1e6)
                withExtendedLifetime(ledger) {}
            } catch {
                throw .failed("cannot reopen the ledger: \(error)")
            }
        }
        return ReopenResult(runsMs: times)
    }

    static func snapshot(_ ledger: Ledger) throws(BenchError) {
        do {
            let info = try ledger.takeSnapshot()
            BenchSystem.progress("took a snapshot at seq \(info.seq) (\(info.bytes) bytes)")
        } catch {
            throw .failed("cannot take a snapshot: \(error)")
        }
    }

    /// Deletes the projection and times the open that restores it from the
    /// snapshot and replays the tail; then sets the snapshots aside and times
    /// a full replay. The projection is whole again afterwards.
    static func restart(_ directory: String) throws(BenchError) -> RestartResult {
        let layout = LedgerLayout(directory: directory)
        let projectionFiles = [layout.projection, layout.projection + "-wal", layout.projection + "-shm"]
        func timedOpen() throws(BenchError) -> (Double, Int64) {
            projectionFiles.forEach(BenchSystem.removeIfPresent)
            let start = BenchSystem.nowNs()
            do {
                let ledger = try Ledger.open(at: directory, access: .write, warn: { BenchSystem.progress("ledger warning: \($0)") })
                return (Double(BenchSystem.nowNs() - start) / 1e6, ledger.headSeq)
            } catch {
                throw .failed("cannot reopen the ledger: \(error)")
            }
        }
        let snapshots: [SnapshotInfo]
        do {
            snapshots = try Ledger.open(at: directory, access: .read).snapshots()
        } catch {
            throw .failed("cannot list snapshots: \(error)")
        }
        guard let newest = snapshots.first, newest.isValid else { throw .failed("no valid snapshot to restart from") }
        let (fromSnapshot, head) = try timedOpen()
        let aside = layout.snapshots + "-aside"
        try BenchSystem.rename(layout.snapshots, aside)
        defer { try? BenchSystem.rename(aside, layout.snapshots) }
        let (fullReplay, _) = try timedOpen()
        return RestartResult(snapshotSeq: newest.seq, headSeq: head, fromSnapshotMs: fromSnapshot, fullReplayMs: fullReplay)
    }
}
