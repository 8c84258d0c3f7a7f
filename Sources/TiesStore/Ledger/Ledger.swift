import TiesCore
import TiesSystem

/// A ledger directory opened for reading or writing.
///
/// Writes follow one path: decide against the projection (plus the events
/// decided before in the same group), seal, append to the log, `fdatasync`,
/// then apply to the projection — and only then answer. Not thread-safe: one
/// owner at a time (the CLI's main thread, or the server's writer thread).
public final class Ledger {
    public enum Access: Sendable {
        /// Holds the writer lock until closed.
        case write
        /// Catches the projection up if no writer is active, then reads.
        case read
    }

    public let layout: LedgerLayout
    private var lock: WriterLock?
    let log: LogFile
    var projection: Projection
    /// The keys that seal record field values (writable for the writer).
    let recordKeys: RecordKeys?
    /// Reports things a user should know but that do not stop the work.
    let warn: @Sendable (String) -> Void
    /// Set when committed seqs could not be applied to the projection: the
    /// decider would see stale state, so writes stop until a reopen.
    var projectionFailure: LedgerError?
    /// Loaded on the first commit: when the next automatic snapshot is due.
    var snapshotSchedule: SnapshotSchedule?
    /// Where automatic snapshots are taken; nil takes them on the writer's
    /// own thread (tests that count every I/O operation of the writer).
    let backgroundSnapshots: BackgroundSnapshots?

    private init(layout: LedgerLayout, lock: WriterLock?, log: LogFile, projection: Projection, recordKeys: RecordKeys?,
                 backgroundSnapshots: BackgroundSnapshots?, warn: @escaping @Sendable (String) -> Void) {
        self.layout = layout
        self.lock = lock
        self.log = log
        self.projection = projection
        self.recordKeys = recordKeys
        self.backgroundSnapshots = backgroundSnapshots
        self.warn = warn
    }

    deinit {
        flushProjection()
        backgroundSnapshots?.waitUntilIdle(timeoutMs: Limits.snapshotWaitMs)
    }

    /// Creates an empty ledger: the directory, an empty log (durably), the
    /// projection. Fails with `ledger_exists` if a log is already there.
    @discardableResult
    public static func create(at directory: String) throws(LedgerError) -> LedgerLayout {
        try create(LedgerLayout(directory: directory))
    }

    /// `create(at:)` on the file system of `layout` (a simulated one in tests).
    @discardableResult
    static func create(_ layout: LedgerLayout) throws(LedgerError) -> LedgerLayout {
        let fileSystem = layout.fileSystem
        try layout.refuseSymbolicLinks()
        if fileSystem.exists(layout.log) {
            throw LedgerError(.ledgerExists, "a ledger already exists at \(layout.directory)", details: ["path": .string(layout.directory)])
        }
        try fileSystem.makeDirectories(layout.directory)
        guard let lock = try WriterLock.acquire(path: layout.lock, timeoutMs: 0, fileSystem: fileSystem) else {
            throw LedgerError(.ledgerBusy, "another process is creating a ledger at \(layout.directory)", details: ["path": .string(layout.directory)])
        }
        try LogFile.create(layout)
        _ = try restoreProjection(layout, log: try LogFile(layout, writable: false), keys: try RecordKeys.open(layout, writable: true),
                                  fromSnapshots: false, warn: { _ in }, progress: nil)
        withExtendedLifetime(lock) {}
        return layout
    }

    /// True when `directory` holds a ledger (a log).
    public static func exists(at directory: String) -> Bool {
        let layout = LedgerLayout(directory: directory)
        return layout.fileSystem.exists(layout.log)
    }

    /// Opens an existing ledger. `lockTimeoutMs` bounds the wait for another writer.
    public static func open(at directory: String, access: Access, lockTimeoutMs: Int = Limits.writerLockWaitMs,
                            warn: @escaping @Sendable (String) -> Void = { _ in },
                            progress: ((ReplayProgress) -> Void)? = nil) throws(LedgerError) -> Ledger {
        try open(LedgerLayout(directory: directory), access: access, lockTimeoutMs: lockTimeoutMs, snapshotsInBackground: true,
                 warn: warn, progress: progress)
    }

    /// `open(at:…)` on the file system of `layout` (a simulated one in
    /// tests, which take snapshots on the writer's thread so that every I/O
    /// operation comes in one order).
    static func open(_ layout: LedgerLayout, access: Access, lockTimeoutMs: Int = Limits.writerLockWaitMs,
                     snapshotsInBackground: Bool = false,
                     warn: @escaping @Sendable (String) -> Void = { _ in },
                     progress: ((ReplayProgress) -> Void)? = nil) throws(LedgerError) -> Ledger {
        let fileSystem = layout.fileSystem
        try layout.refuseSymbolicLinks()
        guard fileSystem.isDirectory(layout.directory), fileSystem.exists(layout.log) else {
            throw LedgerError(.ledgerNotFound, "no ledger at \(layout.directory)",
                              details: ["path": .string(layout.directory)])
        }
        let lock = try WriterLock.acquire(path: layout.lock, timeoutMs: access == .write ? lockTimeoutMs : 0, fileSystem: fileSystem)
        guard let lock else {
            if access == .write {
                throw LedgerError(.ledgerBusy, "the ledger is being written by another process", details: ["lock": .string(layout.lock)])
            }
            // A writer is active and keeps the projection current: read it as it is.
            let projection = try openProjectionReadOnly(layout)
            let keys = try RecordKeys.open(layout, writable: false)
            projection.recordKeys = keys
            return Ledger(layout: layout, lock: nil, log: try LogFile(layout, writable: false), projection: projection, recordKeys: keys,
                          backgroundSnapshots: nil, warn: warn)
        }
        let log = try LogFile(layout, writable: true)
        try log.sync()
        let keys = try RecordKeys.open(layout, writable: true)
        let ledger = Ledger(layout: layout, lock: lock, log: log,
                            projection: try openProjection(layout, log: log, keys: keys, warn: warn, progress: progress), recordKeys: keys,
                            backgroundSnapshots: snapshotsInBackground && access == .write ? BackgroundSnapshots() : nil, warn: warn)
        try ledger.catchUp(progress: progress)
        keys?.warnAboutMissingKeys(warn)
        try ledger.removeCopiesOfErasedValues()
        if access == .read { ledger.lock = nil }
        return ledger
    }

    /// Opens the projection. One that is missing, of another schema
    /// version, or unreadable by SQLite is derived data: it is restored from
    /// the newest valid snapshot (or rebuilt from the log) and caught up.
    private static func openProjection(_ layout: LedgerLayout, log: LogFile, keys: RecordKeys?, warn: @Sendable (String) -> Void,
                                       progress: ((ReplayProgress) -> Void)?) throws(LedgerError) -> Projection {
        if layout.fileSystem.exists(layout.projection) {
            do {
                let projection = try Projection.open(path: layout.projection, readOnly: false)
                projection.recordKeys = keys
                return projection
            } catch {
                switch error {
                case .schemaVersion(let found):
                    warn("the projection has schema version \(found), this version of Ties uses \(ProjectionSchema.version): rebuilding it")
                case .storage(let storageError) where storageError.code == .ledgerDamaged:
                    warn("the projection cannot be read (\(storageError.message)): rebuilding it")
                case .walFromAnotherTime(let problem):
                    warn("the projection cannot be used as it is: \(problem). Restoring it from the newest valid snapshot, or building it from the log")
                case .storage(let storageError):
                    throw storageError
                }
            }
            for file in layout.projectionFiles { try layout.fileSystem.unlink(file) }
        } else {
            // Derived data, so not damage; but a user who did not delete it should hear of it.
            warn("the projection (\(layout.projection)) is missing: restoring it from the newest valid snapshot, or building it from the log")
        }
        return try restoreProjection(layout, log: log, keys: keys, fromSnapshots: true, warn: warn, progress: progress).projection
    }

    /// A new projection: a copy of the newest snapshot that passes its
    /// checks (others are skipped with a warning) caught up from the log,
    /// or else one built from the whole log (empty for an empty log).
    /// `replayedFrom`: the seq the log was replayed from (the snapshot's,
    /// or 0). Every page's checksum is checked as the snapshot is copied:
    /// the state digest and SQLite's `quick_check`, which read it all
    /// again, are left to `ties verify` and `ties snapshots`
    /// (SnapshotFormat article).
    static func restoreProjection(_ layout: LedgerLayout, log: LogFile, keys: RecordKeys?, fromSnapshots: Bool,
                                  warn: @Sendable (String) -> Void,
                                  progress: ((ReplayProgress) -> Void)?) throws(LedgerError) -> (projection: Projection, replayedFrom: Int64) {
        // A WAL left beside a projection that is gone would be replayed into
        // its replacement: SQLite does not tie a WAL to one database file.
        for file in layout.projectionFiles where file != layout.projection { try layout.fileSystem.unlink(file) }
        let store = SnapshotStore(layout: layout)
        var restoredSeq: Int64?
        for file in fromSnapshots ? try store.files() : [] {
            let info = store.check(file.path, seq: file.seq, log: log, readingEveryPage: false)
            var problem = info.problem
            if info.isValid {
                do {
                    try copySnapshot(file.path, layout)
                    try finishRestoring(layout, log: log, keys: keys, progress: progress)
                    restoredSeq = file.seq
                    break
                } catch {
                    // Damage in it (found as it was copied or as its copy
                    // was caught up), or the snapshot unreadable: derived
                    // data, skipped like any that fails a check. Damage in
                    // the log or the key store is not the snapshot's.
                    guard isDamage(error, of: [file.path, layout.projectionBeingBuilt]) || error.details["path"] == .string(file.path) else {
                        throw error
                    }
                    problem = error.message
                }
            }
            warn("snapshot \(file.path) skipped: \(problem ?? "it failed its checks")")
        }
        if restoredSeq == nil && log.size > 0 { try buildProjection(layout, log: log, keys: keys, progress: progress) }
        do {
            let projection = try Projection.open(path: layout.projection, readOnly: false)
            projection.recordKeys = keys
            return (projection, restoredSeq ?? 0)
        } catch {
            switch error {
            case .schemaVersion(let found): throw LedgerError(.ledgerDamaged, "a new projection reports schema version \(found)")
            case .walFromAnotherTime(let problem): throw LedgerError(.ledgerDamaged, "a new projection cannot be used: \(problem)")
            case .storage(let storageError): throw storageError
            }
        }
    }

    /// Copies the snapshot beside the projection, checking every page's
    /// checksum on the way (`ledger_damaged` naming the snapshot for the
    /// first that fails). Not synced: `finishRestoring` syncs it once,
    /// caught up.
    private static func copySnapshot(_ snapshot: String, _ layout: LedgerLayout) throws(LedgerError) {
        let fileSystem = layout.fileSystem
        for file in layout.projectionBeingBuiltFiles { try fileSystem.unlink(file) }
        var pageSize = 0
        try fileSystem.copyFile(snapshot, toNewFile: layout.projectionBeingBuilt, directory: layout.directory,
                                synced: false) { chunk, offset throws(LedgerError) in
            if offset == 0 { pageSize = PageChecksum.pageSize(ofSealedHeader: chunk) ?? 0 }
            guard pageSize > 0, chunk.count % pageSize == 0 else {
                throw LedgerError(.ledgerDamaged, "it is not a whole number of pages that carry checksums", details: ["file": .string(snapshot)])
            }
            if let page = PageChecksum.firstFailingPage(in: chunk, at: offset, pageSize: pageSize) {
                throw LedgerError(.ledgerDamaged, PageChecksum.failure(page: page), details: ["file": .string(snapshot), "page": .int(page)])
            }
        }
    }

    /// Catches the snapshot's copy up from the log (stopping before a torn
    /// tail, which the writer's open cuts off), gives it a generation of
    /// its own (see `ProjectionFileAlone`) before it is in WAL mode, and
    /// only then makes it the projection. A failure removes the copy.
    private static func finishRestoring(_ layout: LedgerLayout, log: LogFile, keys: RecordKeys?,
                                        progress: ((ReplayProgress) -> Void)?) throws(LedgerError) {
        let fileSystem = layout.fileSystem
        let copy = layout.projectionBeingBuilt
        do {
            do {
                let projection = try Projection.openRestoredCopy(at: copy)
                defer { projection.db.close() }
                projection.recordKeys = keys
                _ = try projection.applyLog(log, progress: progress)
                try projection.stampNewGeneration()
            }
            try fileSystem.fsync(path: copy)
        } catch {
            for file in layout.projectionBeingBuiltFiles { try? fileSystem.unlink(file) }  // The failure that matters is reported.
            throw error
        }
        try fileSystem.rename(copy, layout.projection)
        try fileSystem.fsyncDirectory(layout.directory)
    }

    /// `ledger_damaged` that SQLite or the copy's page check found in one
    /// of `files` (SQLite names a file by its full path).
    private static func isDamage(_ error: LedgerError, of files: [String]) -> Bool {
        guard error.code == .ledgerDamaged, case .string(let damaged)? = error.details["file"] else { return false }
        return files.contains { file in
            damaged == file || damaged.hasSuffix("/" + (file.split(separator: "/").last.map(String.init) ?? file))
        }
    }

    private static func openProjectionReadOnly(_ layout: LedgerLayout) throws(LedgerError) -> Projection {
        // The active writer removed it and is building its replacement.
        guard layout.fileSystem.exists(layout.projection) else {
            throw LedgerError(.ledgerBusy, "the projection is being rebuilt by the active writer; try again shortly")
        }
        do {
            return try Projection.open(path: layout.projection, readOnly: true)
        } catch {
            switch error {
            case .schemaVersion:
                throw LedgerError(.ledgerBusy, "the projection is being rebuilt by the active writer; try again shortly")
            case .walFromAnotherTime(let problem): throw LedgerError(.ledgerDamaged, problem)  // Only a writer compares.
            case .storage(let storageError): throw storageError
            }
        }
    }

    // MARK: Head

    /// The last applied seq (0 for an empty ledger) and its commit hash.
    public var headSeq: Int64 { projection.head.seq }
    public var headHash: String { projection.head.hash }
    public var isWriter: Bool { lock != nil }

    /// Closes the projection's and the key store's SQLite connections and
    /// gives up the writer lock now rather than whenever the last reference
    /// goes away. The ledger must not be used afterwards.
    func close() {
        flushProjection()
        backgroundSnapshots?.waitUntilIdle(timeoutMs: Limits.snapshotWaitMs)
        projection.db.close()
        recordKeys?.close()
        lock = nil
    }
}
