import CSQLite
import TiesCore

/// One SQLite connection, owned by one object and used by one thread at a
/// time (never `Sendable`; an import hands the key store's to a helper
/// thread and back, `DurableAppend`). Prepared statements are cached by SQL text and finalized
/// with the connection. Errors carry SQLite's extended code and message.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]
    let path: String
    /// Set by `checkpointItself`: whether a checkpoint has copied every frame.
    private var checkpoints: CheckpointWatch?

    /// `fileAlone`: read-only, as SQLite's `immutable` URI parameter opens
    /// a file — no locks, and no `-wal`: the pages the file itself holds,
    /// without the newer ones its WAL would lay over them.
    /// `pageChecksums`: a new file gets a `PageChecksum` on every page
    /// (an existing one keeps what its header says).
    init(path: String, readOnly: Bool = false, fileAlone: Bool = false, pageChecksums: Bool = false) throws(LedgerError) {
        self.path = path
        var flags = (readOnly || fileAlone ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        if fileAlone || pageChecksums { flags |= SQLITE_OPEN_URI }
        guard PageChecksumVFS.isRegistered else {
            throw LedgerError(.ioError, "SQLite's default VFS could not be wrapped to check page checksums; \(path) is not opened without them")
        }
        let name = fileAlone ? Self.uri(path, query: "immutable=1") : pageChecksums ? Self.uriWithPageChecksums(path) : path
        let status = sqlite3_open_v2(name, &handle, flags, PageChecksumVFS.name)
        guard status == SQLITE_OK else {
            let error = Self.error(handle, status, "open")
            sqlite3_close_v2(handle)
            handle = nil
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        // Readers and the writer in other processes wait for each other briefly, never forever.
        sqlite3_busy_timeout(handle, Int32(Limits.sqliteBusyTimeoutMs))
        if pageChecksums {
            // Takes effect only in a file with no pages yet (SQLite cannot
            // change it later, short of VACUUM), before anything is written.
            var bytes = Int32(PageChecksum.reservedBytes)
            sqlite3_file_control(handle, "main", SQLITE_FCNTL_RESERVE_BYTES, &bytes)
        }
    }

    deinit { close() }

    /// The name that opens (or, in `VACUUM INTO`, creates) `path` as a file
    /// whose pages `PageChecksumVFS` seals from its first write: a new
    /// file's pages can be written before its page 1, which says so.
    /// Works on a connection opened with `pageChecksums` (URIs enabled).
    static func uriWithPageChecksums(_ path: String) -> String {
        uri(path, query: PageChecksumVFS.uriParameter + "=1")
    }

    /// `file:` URI of `path` with `query`; every byte but unreserved ones
    /// and `/` percent-encoded, so no name is read as a URI parameter.
    private static func uri(_ path: String, query: String) -> String {
        var uri = path.hasPrefix("/") ? "file://" : "file:"
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "~"):
                uri.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                uri += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return uri + "?" + query
    }

    func close() {
        statements.values.forEach { $0.finalize() }
        statements.removeAll()
        if handle != nil { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// The error, naming the database file (a user must know which file
    /// is damaged: the projection can be rebuilt, a snapshot removed).
    static func error(_ handle: OpaquePointer?, _ status: Int32, _ sql: String) -> LedgerError {
        var message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
        var details: [String: JSONValue] = ["sqliteCode": .int(Int64(status)), "sql": .string(sql)]
        let pageFailsItsChecksum = status == Self.pageChecksumFailed
        var file = handle.flatMap { sqlite3_db_filename($0, "main") }.map { String(cString: $0) } ?? ""
        if pageFailsItsChecksum, let handle, let damage = takeDamagedPage(handle) {
            message = PageChecksum.failure(page: damage.page)
            details["page"] = .int(damage.page)
            file = damage.file
        }
        let code: LedgerError.Code = (status & 0xFF) == SQLITE_CORRUPT || (status & 0xFF) == SQLITE_NOTADB || pageFailsItsChecksum
            ? .ledgerDamaged : .ioError
        if !file.isEmpty { details["file"] = .string(file) }
        return LedgerError(code, "SQLite error \(status): \(message)" + (file.isEmpty ? "" : " (\(file))"), details: details)
    }

    /// The page whose checksum `PageChecksumVFS` found wrong in one of
    /// this connection's files (the main one or one attached), and that
    /// file's name; nil if none.
    private static func takeDamagedPage(_ handle: OpaquePointer) -> (page: Int64, file: String)? {
        var index: Int32 = 0
        while let name = sqlite3_db_name(handle, index) {
            index += 1
            guard let file = file(handle, name) else { continue }
            let page = PageChecksumVFS.takeDamagedPage(of: file)
            if page > 0 { return (page, sqlite3_db_filename(handle, name).map { String(cString: $0) } ?? "") }
        }
        return nil
    }

    /// `SQLITE_IOERR_DATA`: `PageChecksumVFS` found a page whose bytes
    /// are not the ones SQLite wrote.
    static let pageChecksumFailed = SQLITE_IOERR | (32 << 8)

    /// Whether the file's pages carry checksums: its header, as SQLite
    /// read it from the file, reserves the bytes. (SQLite's own answer
    /// would be the larger of that and what this connection asked for.)
    var hasPageChecksums: Bool {
        Self.file(handle, "main").map(PageChecksumVFS.seals) ?? false
    }

    /// The VFS's file object of the connection's database `name` ("main"
    /// or an attached one's).
    private static func file(_ handle: OpaquePointer?, _ name: UnsafePointer<CChar>) -> UnsafeMutablePointer<sqlite3_file>? {
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(handle, name, SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK else { return nil }
        return file
    }

    /// SQLite's own check of every page and b-tree (not of the values in
    /// them): nil when it finds nothing wrong, else its first finding.
    func quickCheckProblem() throws(LedgerError) -> String? {
        let statement = try statement("PRAGMA quick_check(1)")
        defer { statement.reset() }
        guard try statement.step() else { return "no answer" }
        let result = statement.string(0)
        guard result != "ok" else { return nil }
        // It reports a page it could not read only by SQLite's error code, or as a page it failed to get.
        if let handle, let damage = Self.takeDamagedPage(handle) { return PageChecksum.failure(page: damage.page) }
        return result
    }

    /// Checkpoints the WAL into the database and truncates it to nothing,
    /// so no frame written before `event` survives in it. Waits for
    /// readers up to SQLite's busy timeout.
    func truncateWAL(after event: String) throws(LedgerError) {
        let statement = try statement("PRAGMA wal_checkpoint(TRUNCATE)")
        defer { statement.reset() }
        guard try statement.step(), statement.int(0) == 0 else {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            throw LedgerError(.ioError, "the WAL of \(name) could not be emptied after \(event) (readers held it for \(Limits.sqliteBusyTimeoutMs) ms); it is emptied when the writer next opens the ledger")
        }
        checkpoints?.completed = true
    }

    /// Takes SQLite's automatic checkpoint over, to know when one
    /// completes: the same PASSIVE checkpoint, once the WAL holds `frames`
    /// frames after a commit. (`PRAGMA wal_autocheckpoint` on this
    /// connection would replace it without a word: never use it here.)
    func checkpointItself(everyFrames frames: Int32) {
        let watch = CheckpointWatch(frames: frames)
        checkpoints = watch
        sqlite3_wal_hook(handle, { context, db, name, walFrames in
            guard let context else { return SQLITE_OK }
            let watch = Unmanaged<CheckpointWatch>.fromOpaque(context).takeUnretainedValue()
            // One that fails or is held back by readers is simply tried again after a later commit.
            if walFrames >= watch.frames && SQLiteConnection.checkpointPassively(db, name) { watch.completed = true }
            return SQLITE_OK
        }, Unmanaged.passUnretained(watch).toOpaque())
    }

    /// A PASSIVE checkpoint now: true when it copied every frame (the next
    /// write transaction then starts the WAL over).
    func checkpointPassively() -> Bool {
        Self.checkpointPassively(handle, "main")
    }

    private static func checkpointPassively(_ db: OpaquePointer?, _ name: UnsafePointer<CChar>?) -> Bool {
        var logFrames: Int32 = 0, copied: Int32 = 0
        return sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copied) == SQLITE_OK && logFrames == copied
    }

    /// True when a checkpoint has copied every frame into the database since
    /// the last call: the next write transaction starts the WAL over, from
    /// the database file as it is (unless a reader still holds the old WAL).
    func takeCompletedCheckpoint() -> Bool {
        guard let checkpoints, checkpoints.completed else { return false }
        checkpoints.completed = false
        return true
    }

    func execute(_ sql: String) throws(LedgerError) {
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw Self.error(handle, status, sql) }
    }

    /// A cached prepared statement, reset and with bindings cleared. Callers
    /// that read rows `defer { statement.reset() }`: a statement left on a
    /// row keeps its read transaction open, which pins the connection to an
    /// old snapshot (readers would miss new commits) and blocks checkpoints.
    func statement(_ sql: String) throws(LedgerError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var raw: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard status == SQLITE_OK, let raw else { throw Self.error(handle, status, sql) }
        let statement = SQLiteStatement(raw, connection: handle, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in one transaction; rolls back if it throws.
    func transaction<T>(_ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        try inTransaction("BEGIN IMMEDIATE", body)
    }

    /// Runs `body` in one read transaction: a consistent snapshot, and one
    /// WAL read lock for all its statements instead of one per statement.
    /// Inside a write transaction already open, `body` simply runs in it.
    func reading<T>(_ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        if isInTransaction { return try body() }
        return try inTransaction("BEGIN", body)
    }

    /// True while a transaction is open on this connection.
    var isInTransaction: Bool { handle != nil && sqlite3_get_autocommit(handle) == 0 }

    private func inTransaction<T>(_ begin: String, _ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        try execute(begin)
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")  // The original error is the one worth reporting.
            throw error
        }
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows the last INSERT, UPDATE or DELETE changed.
    var changes: Int64 { Int64(sqlite3_changes(handle)) }

    var userVersion: Int64 {
        get throws(LedgerError) { try integerPragma("user_version") }
    }

    /// The header's `application_id` (the projection keeps its generation there).
    var applicationID: Int32 {
        get throws(LedgerError) { Int32(truncatingIfNeeded: try integerPragma("application_id")) }
    }

    private func integerPragma(_ name: String) throws(LedgerError) -> Int64 {
        let statement = try statement("PRAGMA \(name)")
        defer { statement.reset() }
        guard try statement.step() else { return 0 }
        return statement.int(0)
    }
}

/// What `SQLiteConnection.checkpointItself` shares with its WAL hook, which
/// SQLite calls on the committing thread.
private final class CheckpointWatch {
    let frames: Int32
    var completed = false

    init(frames: Int32) {
        self.frames = frames
    }
}
