import TiesCore
import TiesSystem

/// Snapshots of the projection in `snapshots/`: consistent copies at a seq
/// (`VACUUM INTO`), stamped with the schema version (`user_version`), the
/// seq, the log hash and offsets at that seq (the `meta` rows), and a digest
/// of the state they hold; written temp → fsync → rename → fsync(dir).
/// A snapshot is trusted only after all of that is checked again.
struct SnapshotStore {
    let layout: LedgerLayout
    private var fileSystem: any FileSystem { layout.fileSystem }

    static let prefix = "snapshot-"
    static let suffix = ".sqlite"

    func path(forSeq seq: Int64) -> String {
        let digits = String(seq)
        return layout.snapshots + "/" + Self.prefix + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + Self.suffix
    }

    /// Snapshot files, newest (highest seq) first.
    func files() throws(LedgerError) -> [(seq: Int64, path: String)] {
        try fileSystem.listDirectory(layout.snapshots).compactMap { name -> (Int64, String)? in
            guard name.hasPrefix(Self.prefix), name.hasSuffix(Self.suffix),
                  let seq = Int64(name.dropFirst(Self.prefix.count).dropLast(Self.suffix.count)) else { return nil }
            return (seq, layout.snapshots + "/" + name)
        }.sorted { $0.0 > $1.0 }
    }

    /// Copies the projection into a new snapshot through a connection of
    /// its own: `VACUUM INTO` reads one consistent state (a WAL read
    /// transaction) while the writer goes on committing, and the copy is
    /// named and stamped from the head it holds, not from the live one.
    func take(now: Timestamp) throws(LedgerError) -> SnapshotInfo {
        try fileSystem.makeDirectories(layout.snapshots)
        let temporary = layout.snapshots + "/taking-\(CurrentProcess.id)-\(SystemClock.monotonicNanoseconds()).tmp"
        do throws(LedgerError) {
            // The copy's pages carry checksums as the projection's do (<doc:Projection>).
            let source = try SQLiteConnection(path: layout.projection, pageChecksums: true)
            defer { source.close() }
            try source.execute("VACUUM INTO '\(SQLiteConnection.uriWithPageChecksums(temporary).replacingQuotes)'")
            let head = try stamp(temporary, now: now)
            let final = path(forSeq: head.seq)
            try fileSystem.fsync(path: temporary)
            try fileSystem.rename(temporary, final)
            try fileSystem.fsyncDirectory(layout.snapshots)
            try discardIfErasedSince(final, seq: head.seq)
            return SnapshotInfo(path: final, seq: head.seq, bytes: fileSystem.fileSize(atPath: final), takenAt: now,
                                headHash: head.hash, stateDigest: nil, problem: nil)
        } catch {
            try? fileSystem.unlink(temporary)  // Best effort; the failure that matters is reported.
            throw error
        }
    }

    /// A snapshot taken in the background while a record was erased holds
    /// values the erasure removed everywhere else; checked after the rename,
    /// so an erasure either sees this file (and removes it) or is seen here.
    private func discardIfErasedSince(_ path: String, seq: Int64) throws(LedgerError) {
        let live = try SQLiteConnection(path: layout.projection, readOnly: true)
        defer { live.close() }
        let statement = try live.statement("SELECT MAX(erased_seq) FROM records WHERE erased_seq IS NOT NULL")
        defer { statement.reset() }
        guard try statement.step(), !statement.isNull(0), statement.int(0) > seq else { return }
        try fileSystem.unlink(path)
        try fileSystem.fsyncDirectory(layout.snapshots)
        throw LedgerError(.ioError, "a record was erased while the snapshot of seq \(seq) was taken; it held the erased values and was discarded")
    }

    /// Adds the digest and time to the copy, in rollback-journal mode so it
    /// is one self-contained file that can be opened read-only; returns the
    /// head the copy holds.
    private func stamp(_ path: String, now: Timestamp) throws(LedgerError) -> ProjectionHead {
        let snapshot = try Self.open(path, readOnly: false)
        defer { snapshot.db.close() }
        try snapshot.db.execute("PRAGMA journal_mode=DELETE")
        // Its pages are laid out anew: no WAL of the projection may be laid over it.
        try snapshot.stampNewGeneration()
        let digest = try snapshot.stateDigest()
        try snapshot.setMeta(MetaKey.stateDigest, digest)
        try snapshot.setMeta(MetaKey.takenAt, String(now.millisecondsSinceEpoch))
        return snapshot.head
    }

    /// Every check a snapshot must pass before it is trusted.
    /// `readingEveryPage: false` leaves out the two that read the whole
    /// file (the state digest, SQLite's `quick_check`), for a caller that
    /// checks every page's checksum as it copies the file.
    func check(_ path: String, seq: Int64, log: LogFile, readingEveryPage: Bool = true) -> SnapshotInfo {
        var info = SnapshotInfo(path: path, seq: seq, bytes: fileSystem.fileSize(atPath: path))
        do throws(LedgerError) {
            let snapshot: Projection
            do {
                snapshot = try Projection.open(path: path, readOnly: true, walMode: false)
            } catch {
                switch error {
                case .schemaVersion(let found) where found == 0:
                    throw LedgerError(.ledgerDamaged, "it is not a projection (an empty database, schema version 0)")
                case .schemaVersion(let found):
                    info.otherSchemaVersion = found
                    info.problem = """
                        it was written by another version of Ties (projection schema \(found), this one uses \(ProjectionSchema.version)): \
                        not used (the log is replayed instead), and pruned as newer snapshots are taken
                        """
                    return info
                case .walFromAnotherTime(let problem): throw LedgerError(.ledgerDamaged, problem)  // Only a writer's WAL-mode open compares.
                case .storage(let storageError): throw storageError
                }
            }
            defer { snapshot.db.close() }
            let head = snapshot.head
            info.headHash = head.hash
            info.takenAt = try snapshot.meta(MetaKey.takenAt).flatMap(Int64.init).map(Timestamp.init(millisecondsSinceEpoch:))
            info.stateDigest = try snapshot.meta(MetaKey.stateDigest)
            guard head.seq == seq else { info.problem = "its file name says seq \(seq) but it holds seq \(head.seq)"; return info }
            guard let stamped = info.stateDigest else { info.problem = "it has no state digest"; return info }
            guard try log.holds(head) else {
                info.problem = "the log does not hold its commit at seq \(seq) (hash \(head.hash.prefix(12))…): another or a rewritten log"
                return info
            }
            guard readingEveryPage else { return info }
            let actual = try snapshot.stateDigest()
            if actual != stamped { info.problem = "its state digest is \(actual.prefix(12))…, the stamp says \(stamped.prefix(12))…"; return info }
            // The digest reads the state's tables; pages it does not read
            // (link versions, indexes) are checked for their structure.
            if let problem = try snapshot.db.quickCheckProblem() { info.problem = "SQLite finds it damaged: \(problem)" }
        } catch {
            info.problem = error.message
        }
        return info
    }

    /// Keeps the newest `count` snapshots, deleting the rest.
    func prune(keeping count: Int) throws(LedgerError) {
        let doomed = try files().dropFirst(max(1, count))
        guard !doomed.isEmpty else { return }
        for file in doomed { try fileSystem.unlink(file.path) }
        try fileSystem.fsyncDirectory(layout.snapshots)
    }

    static func open(_ path: String, readOnly: Bool) throws(LedgerError) -> Projection {
        do {
            return try Projection.open(path: path, readOnly: readOnly, walMode: false)
        } catch {
            switch error {
            case .schemaVersion(let found):
                throw LedgerError(.ledgerDamaged, "it has projection schema version \(found), this version of Ties reads \(ProjectionSchema.version)")
            case .walFromAnotherTime(let problem):
                throw LedgerError(.ledgerDamaged, problem)  // Only a writer's WAL-mode open compares.
            case .storage(let storageError):
                throw storageError
            }
        }
    }
}

extension String {
    /// For a SQL string literal: `'` doubled.
    var replacingQuotes: String {
        split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''")
    }
}
