import CSQLite
import TiesCore

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
