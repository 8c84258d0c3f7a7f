import CSQLite
import TiesCore

/// One SQLite connection, owned by one object on one thread (never
/// `Sendable`). Prepared statements are cached by SQL text and finalized
/// with the connection. Errors carry SQLite's extended code and message.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]
    let path: String

    init(path: String, readOnly: Bool = false) throws(LedgerError) {
        self.path = path
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK else {
            let error = Self.error(handle, status, "open")
            sqlite3_close_v2(handle)
            handle = nil
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        // Readers and the writer in other processes wait for each other briefly, never forever.
        sqlite3_busy_timeout(handle, Int32(Limits.sqliteBusyTimeoutMs))
    }

    deinit { close() }

    func close() {
        statements.values.forEach { $0.finalize() }
        statements.removeAll()
        if handle != nil { sqlite3_close_v2(handle) }
        handle = nil
    }

    static func error(_ handle: OpaquePointer?, _ status: Int32, _ sql: String) -> LedgerError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
        let code: LedgerError.Code = (status & 0xFF) == SQLITE_CORRUPT || (status & 0xFF) == SQLITE_NOTADB ? .ledgerDamaged : .ioError
        return LedgerError(code, "SQLite error \(status): \(message)", details: ["sqliteCode": .int(Int64(status)), "sql": .string(sql)])
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
    func reading<T>(_ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        try inTransaction("BEGIN", body)
    }

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

    var userVersion: Int64 {
        get throws(LedgerError) {
            let statement = try statement("PRAGMA user_version")
            defer { statement.reset() }
            guard try statement.step() else { return 0 }
            return statement.int(0)
        }
    }
}

/// A prepared statement: bind by 1-based index, `step` until it returns false.
final class SQLiteStatement {
    private let raw: OpaquePointer
    private let connection: OpaquePointer?
    let sql: String
    /// SQLite copies bound text immediately.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ raw: OpaquePointer, connection: OpaquePointer?, sql: String) {
        self.raw = raw
        self.connection = connection
        self.sql = sql
    }

    func finalize() { sqlite3_finalize(raw) }

    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    @discardableResult
    func bind(_ index: Int32, _ value: Int64) -> SQLiteStatement {
        sqlite3_bind_int64(raw, index, value)
        return self
    }

    @discardableResult
    func bind(_ index: Int32, _ value: Int64?) -> SQLiteStatement {
        guard let value else {
            sqlite3_bind_null(raw, index)
            return self
        }
        return bind(index, value)
    }

    @discardableResult
    func bind(_ index: Int32, _ value: String?) -> SQLiteStatement {
        guard var text = value else {
            sqlite3_bind_null(raw, index)
            return self
        }
        text.withUTF8 { bytes in
            // An empty buffer may have no base address; SQLite would bind NULL.
            let pointer = bytes.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(("" as StaticString).utf8Start)
            sqlite3_bind_text(raw, index, pointer.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
        }
        return self
    }

    @discardableResult
    func bind(_ index: Int32, bytes: ArraySlice<UInt8>) -> SQLiteStatement {
        bytes.withUnsafeBytes { buffer in
            let pointer = buffer.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
            sqlite3_bind_text(raw, index, pointer.assumingMemoryBound(to: CChar.self), Int32(buffer.count), Self.transient)
        }
        return self
    }

    /// Steps once: true when a row is ready, false when done.
    func step() throws(LedgerError) -> Bool {
        let status = sqlite3_step(raw)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteConnection.error(connection, status, sql)
        }
    }

    /// Steps a statement that returns no rows.
    func run() throws(LedgerError) {
        while try step() {}
    }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }

    var columnCount: Int32 { sqlite3_column_count(raw) }

    func isInteger(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_INTEGER }

    func columnName(_ column: Int32) -> String { sqlite3_column_name(raw, column).map { String(cString: $0) } ?? "" }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }

    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(raw, column) else { return "" }
        let count = Int(sqlite3_column_bytes(raw, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }

    func bytes(_ column: Int32) -> [UInt8] {
        guard let text = sqlite3_column_text(raw, column) else { return [] }
        let count = Int(sqlite3_column_bytes(raw, column))
        return Array(UnsafeBufferPointer(start: text, count: count))
    }
}
