import CSQLite

/// A bare SQLite connection for the floor. TiesStore keeps its own wrapper
/// internal (no C in its API), and the floor must not go through the
/// ledger anyway: it is the cost of the rows alone. One owner, one thread.
final class FloorDatabase {
    private var handle: OpaquePointer?
    let path: String

    init(path: String, readOnly: Bool) throws(BenchError) {
        self.path = path
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "status \(status)"
            sqlite3_close_v2(handle)
            throw .failed("cannot open \(path): \(message)")
        }
    }

    deinit { sqlite3_close_v2(handle) }

    func failure(_ sql: String) -> BenchError {
        .failed("SQLite error in \(path): \(String(cString: sqlite3_errmsg(handle))) (SQL: \(sql.prefix(200)))")
    }

    func execute(_ sql: String) throws(BenchError) {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw failure(sql) }
    }

    /// Statements are finalized by their own deinit, before this connection
    /// closes as long as callers drop them first (`sqlite3_close_v2` waits
    /// for stragglers either way).
    func prepare(_ sql: String) throws(BenchError) -> FloorStatement {
        var raw: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil) == SQLITE_OK, let raw else {
            throw failure(sql)
        }
        return FloorStatement(raw, database: self, sql: sql)
    }
}
