import TiesCore

/// The files of one ledger directory, and the file system they are reached
/// through (the real one, unless a test simulates a disk).
public struct LedgerLayout: Sendable {
    public let directory: String
    let fileSystem: any FileSystem

    public init(directory: String) {
        self.init(directory: directory, fileSystem: PosixFileSystem())
    }

    init(directory: String, fileSystem: any FileSystem) {
        self.directory = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        self.fileSystem = fileSystem
    }

    /// The commit log, JSON Lines: the source of truth.
    public var log: String { directory + "/log.jsonl" }
    /// The SQLite projection (with its `-wal` and `-shm` files).
    public var projection: String { directory + "/projection.sqlite" }
    /// Snapshots of the projection.
    public var snapshots: String { directory + "/snapshots" }
    /// Settings (snapshot cadence and retention); optional.
    public var config: String { directory + "/config.json" }
    /// Held with `flock` by the one writer; holds its pid for messages.
    public var lock: String { directory + "/lock" }
    /// The keys that seal record field values in the log: not derived,
    /// part of every backup (see RecordKeys).
    public var recordKeys: String { directory + "/record-keys.sqlite" }
    /// Present while damage found by `ties verify` or the scrub is unresolved.
    public var damaged: String { directory + "/damaged.json" }
    /// Where a running `ties serve` takes the CLI's writes (WriteSocketServer).
    public var writeSocket: String { directory + "/serve.sock" }

    /// The WAL files first: removed in this order, a crash never leaves a
    /// WAL beside no database (see `Ledger.restoreProjection`).
    var projectionFiles: [String] { [projection + "-wal", projection + "-shm", projection] }
    /// Where a projection is built from the whole log, or a snapshot's copy
    /// is made ready, before it is renamed to `projection` (only the writer
    /// does either, so one name is enough).
    var projectionBeingBuilt: String { directory + "/projection-building.sqlite" }
    /// It, the journal a crash may leave beside it (a snapshot's copy is
    /// in rollback-journal mode when it is opened) and the temporary file
    /// of a copy cut short: removed together, so no hot journal is played
    /// into the next file of the name, and no copy keeps values erased since.
    var projectionBeingBuiltFiles: [String] {
        [projectionBeingBuilt + "-journal", projectionBeingBuilt, projectionBeingBuilt + ".tmp"]
    }

    /// Refuses the ledger when one of the files opened by name in it is a
    /// symbolic link. The store opens its own files with `O_NOFOLLOW`
    /// anyway; this also covers the projection, which SQLite opens.
    func refuseSymbolicLinks() throws(LedgerError) {
        for file in [log, lock, config, recordKeys, recordKeys + "-journal", recordKeys + "-wal", recordKeys + "-shm"] + projectionBeingBuiltFiles + projectionFiles where fileSystem.isSymbolicLink(file) {
            throw LedgerError.symbolicLink(file)
        }
    }

    /// Where bytes cut off a torn log tail are kept (nothing is deleted).
    func tornTail(at offset: Int64) -> String { aside(kind: "torn", at: offset) }

    /// `log.jsonl.KIND-at-OFFSET`; a second one at the same offset gets
    /// `-2`, `-3`, … so earlier kept bytes stay.
    func aside(kind: String, at offset: Int64) -> String {
        let base = directory + "/log.jsonl.\(kind)-at-\(offset)"
        var candidate = base
        var suffix = 1
        while fileSystem.exists(candidate) {
            suffix += 1
            candidate = "\(base)-\(suffix)"
        }
        return candidate
    }
}
