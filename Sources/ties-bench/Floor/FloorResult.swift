/// What inserting the projection's rows straight into SQLite cost.
struct FloorResult: Equatable {
    var rows = 0
    var events: Int64 = 0
    var transactions = 0
    var seconds = 0.0
    /// Written by the timed inserts (WAL and checkpoints).
    var bytesWritten: Int64 = 0
    var rowsByTable: [String: Int] = [:]
    /// Tables with no known seq column: inserted in the last transaction.
    var unbatchedTables: [String] = []

    var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
    var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
}
