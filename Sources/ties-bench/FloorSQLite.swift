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

/// A column value copied out of SQLite, to be bound again unchanged.
enum FloorValue {
    case null
    case integer(Int64)
    case real(Double)
    case text([UInt8])
    case blob([UInt8])
}

final class FloorStatement {
    private let raw: OpaquePointer
    private let database: FloorDatabase
    let sql: String
    /// SQLite copies bound text and blobs, as the projection's binds do.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ raw: OpaquePointer, database: FloorDatabase, sql: String) {
        self.raw = raw
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(raw) }

    var columnCount: Int { Int(sqlite3_column_count(raw)) }

    /// True when a row is ready, false when done.
    func step() throws(BenchError) -> Bool {
        switch sqlite3_step(raw) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.failure(sql)
        }
    }

    func reset() {
        sqlite3_reset(raw)
    }

    func int(_ column: Int) -> Int64 { sqlite3_column_int64(raw, Int32(column)) }

    func text(_ column: Int) -> String {
        guard let text = sqlite3_column_text(raw, Int32(column)) else { return "" }
        return String(cString: text)
    }

    func value(_ column: Int) -> FloorValue {
        let index = Int32(column)
        switch sqlite3_column_type(raw, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(raw, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(raw, index))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(raw, index))
            guard let pointer = sqlite3_column_text(raw, index) else { return .text([]) }
            return .text(Array(UnsafeBufferPointer(start: pointer, count: count)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(raw, index))
            guard let pointer = sqlite3_column_blob(raw, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default: return .null
        }
    }

    /// Binds `values` to ?1...?n, runs the statement and resets it.
    func insert(_ values: ArraySlice<FloorValue>) throws(BenchError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: sqlite3_bind_null(raw, index)
            case .integer(let number): sqlite3_bind_int64(raw, index, number)
            case .real(let number): sqlite3_bind_double(raw, index, number)
            case .text(let bytes):
                bytes.withUnsafeBytes { buffer in
                    let pointer = buffer.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                    sqlite3_bind_text(raw, index, pointer.assumingMemoryBound(to: CChar.self), Int32(buffer.count), Self.transient)
                }
            case .blob(let bytes):
                bytes.withUnsafeBytes { buffer in
                    let pointer = buffer.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                    sqlite3_bind_blob(raw, index, pointer, Int32(buffer.count), Self.transient)
                }
            }
        }
        defer { sqlite3_reset(raw) }
        while try step() {}
    }
}
