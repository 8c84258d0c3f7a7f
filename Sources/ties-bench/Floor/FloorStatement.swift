import CSQLite

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
