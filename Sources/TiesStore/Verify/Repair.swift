import TiesCore

/// `ties repair --truncate-at SEQ`: explicit, never automatic. Keeps the log
/// up to the commit ending at SEQ, moves every following byte into a
/// `.damaged` file beside it (nothing is deleted), renames snapshots past
/// SEQ to `.after-repair`, syncs, and rebuilds the projection from the
/// newest snapshot the shortened log still holds.
public enum Repair {
    /// Where the log would be cut for `seq`, and how much would move.
    public static func plan(directory: String, truncateAt seq: Int64) throws(LedgerError) -> RepairReport {
        let layout = LedgerLayout(directory: directory)
        guard Ledger.exists(at: directory) else {
            throw LedgerError(.ledgerNotFound, "no ledger at \(layout.directory)", details: ["path": .string(layout.directory)])
        }
        let log = try LogFile(layout, writable: false)
        let cut = try cutOffset(log, seq: seq)
        return RepairReport(keptThroughSeq: seq, keptBytes: cut, movedBytes: log.size - cut, movedTo: nil)
    }

    public static func run(directory: String, truncateAt seq: Int64, warn: @escaping @Sendable (String) -> Void) throws(LedgerError) -> RepairReport {
        let layout = LedgerLayout(directory: directory)
        var report = try plan(directory: directory, truncateAt: seq)
        do {
            guard let lock = try WriterLock.acquire(path: layout.lock, timeoutMs: Limits.writerLockWaitMs, fileSystem: layout.fileSystem) else { return report }
            let log = try LogFile(layout, writable: true)
            let cut = try cutOffset(log, seq: seq)
            report = RepairReport(keptThroughSeq: seq, keptBytes: cut, movedBytes: log.size - cut, movedTo: nil)
            if report.movedBytes > 0 {
                let aside = layout.aside(kind: "damaged", at: cut)
                try log.copy(from: cut, count: report.movedBytes, toNewFile: aside, directory: layout.directory)
                try log.truncate(to: cut)
                report.movedTo = aside
            }
            // Snapshots past the cut describe commits the log no longer
            // holds: set aside (renamed, not deleted). The projection may
            // hold them too: it is rebuilt.
            let store = SnapshotStore(layout: layout)
            let stale = try store.files().filter { $0.seq > seq }
            for snapshot in stale { try layout.fileSystem.rename(snapshot.path, snapshot.path + ".after-repair") }
            if !stale.isEmpty { try layout.fileSystem.fsyncDirectory(layout.snapshots) }
            for file in layout.projectionFiles { try layout.fileSystem.unlink(file) }
            // What remains is whole up to the cut (it is replayed just below).
            try DamageRecord.clear(layout)
            withExtendedLifetime(lock) {}
        }
        _ = try Ledger.open(at: directory, access: .write, warn: warn)
        return report
    }

    /// The byte offset just after the commit ending at `seq` and the intact
    /// receipts that follow it (keyed no-ops made at that head, which hold
    /// no seq: they belong to it); every line up to the commit must be intact.
    static func cutOffset(_ log: LogFile, seq: Int64) throws(LedgerError) -> Int64 {
        guard seq >= 0 else { throw LedgerError(.invalidField, "SEQ must be 0 or more", details: ["field": .string("truncate-at")]) }
        var scanner = log.scanner(from: 0, expectedSeq: 1, expectedPrevious: CommitCodec.genesisHash)
        var cut: Int64? = seq == 0 ? 0 : nil
        do throws(LedgerError) {
            while let scanned = try scanner.next() {
                let commit = scanned.commit
                if let reached = cut {
                    guard commit.isReceipt else { return reached }
                    cut = scanned.endOffset
                } else if commit.lastSeq == seq, !commit.isReceipt {
                    cut = scanned.endOffset
                } else if commit.lastSeq > seq {
                    throw LedgerError(.invalidField, "seq \(seq) is inside the commit of seqs \(commit.firstSeq)–\(commit.lastSeq); keep \(commit.firstSeq - 1) or \(commit.lastSeq)",
                                      details: ["field": .string("truncate-at")])
                }
            }
        } catch where error.code == .ledgerDamaged {
            // Damage after the kept part (in a receipt, say) is what moves aside.
            if let reached = cut { return reached }
            throw LedgerError(.ledgerDamaged, "the log is damaged before seq \(seq) can be reached (\(error.message)); choose a SEQ before the damage",
                              details: error.details)
        }
        if let reached = cut { return reached }
        throw LedgerError(.invalidField, "the intact log ends at seq \(scanner.expectedSeq - 1); SEQ must be at most that", details: ["field": .string("truncate-at")])
    }
}
