/// The SQLite floor: the rows the import left in the projection, inserted
/// into a fresh database of the same schema with the same pragmas and the
/// same transactions (one per import commit), through prepared statements
/// — and nothing else: no log, no fsync of a log, no JSON, no decisions,
/// no read-before-write. What the real import costs above this is the
/// price of the ledger's own work.
///
/// The schema is read from the imported projection's `sqlite_master`, so
/// the floor follows the projection's schema without copying it. Rows are
/// read a transaction's worth at a time, untimed, just before their timed
/// insert: holding a million events' rows at once would cost more memory
/// than the ledger itself and spoil the peak-RSS figure.
enum Floor {
    /// The column that says which event wrote each row, per table.
    static let seqColumns = [
        "object_types": "defined_seq", "relationship_types": "registered_seq", "relationship_type_versions": "from_seq",
        "link_versions": "from_seq", "commits": "first_seq", "events": "seq", "record_events": "seq",
        // NULL (a keyed request that appended nothing) sorts first: the first transaction.
        "idempotency": "first_seq",
    ]
    /// Current links belong to the event that opened their current version.
    static let linksSelect = "SELECT l.*, v.from_seq FROM links l JOIN link_versions v ON v.id = l.version_id ORDER BY v.from_seq"
    /// The projection's own settings (Projection.open), so that page cache
    /// and journaling cost the same on both sides.
    static let pragmas = ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-65536"]

    static func run(projectionPath: String, floorPath: String) throws(BenchError) -> FloorResult {
        let source = try FloorDatabase(path: projectionPath, readOnly: true)
        let floor = try FloorDatabase(path: floorPath, readOnly: false)
        let tables = try copySchema(from: source, to: floor)
        let commits = try commitRanges(source)
        var result = FloorResult(events: commits.last?.lastSeq ?? 0, transactions: commits.count)
        var sources: [RowSource] = []
        for table in tables {
            let batched = table == "links" || seqColumns[table] != nil
            if !batched { result.unbatchedTables.append(table) }
            sources.append(try RowSource(table: table, select: selectSQL(table), source: source, floor: floor))
        }
        var elapsedNs: UInt64 = 0
        for (index, commit) in commits.enumerated() {
            let everything = index == commits.count - 1
            var batch: [(RowSource, [FloorValue])] = []
            for rowSource in sources { batch.append((rowSource, try rowSource.take(through: commit.lastSeq, everything: everything))) }
            let writtenBefore = BenchSystem.bytesWritten()
            let start = BenchSystem.nowNs()
            try floor.execute("BEGIN IMMEDIATE")
            for (rowSource, values) in batch { try rowSource.insert(values) }
            try floor.execute("COMMIT")
            elapsedNs += BenchSystem.nowNs() - start
            result.bytesWritten += BenchSystem.bytesWritten() - writtenBefore
        }
        for rowSource in sources {
            result.rowsByTable[rowSource.table] = rowSource.rowsInserted
            result.rows += rowSource.rowsInserted
        }
        result.seconds = Double(elapsedNs) / 1e9
        return result
    }

    private static func selectSQL(_ table: String) -> String {
        if table == "links" { return linksSelect }
        guard let column = seqColumns[table] else { return "SELECT *, \(Int64.max) FROM \"\(table)\"" }
        return "SELECT *, \(column) FROM \"\(table)\" ORDER BY \(column)"
    }

    /// Creates every table and index of `source` in `floor` (untimed), in
    /// creation order; returns the table names.
    private static func copySchema(from source: FloorDatabase, to floor: FloorDatabase) throws(BenchError) -> [String] {
        for pragma in pragmas { try floor.execute(pragma) }
        let schema = try source.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
        var tables: [String] = []
        try floor.execute("BEGIN")
        while try schema.step() {
            try floor.execute(schema.text(2))
            if schema.text(0) == "table" { tables.append(schema.text(1)) }
        }
        try floor.execute("COMMIT")
        guard tables.contains("commits") else { throw .failed("the projection has no commits table; the floor cannot batch like the import") }
        return tables
    }

    /// One transaction per import commit, as the projection applied them.
    private static func commitRanges(_ source: FloorDatabase) throws(BenchError) -> [(firstSeq: Int64, lastSeq: Int64)] {
        let statement = try source.prepare("SELECT first_seq, last_seq FROM commits ORDER BY first_seq")
        var ranges: [(firstSeq: Int64, lastSeq: Int64)] = []
        while try statement.step() { ranges.append((statement.int(0), statement.int(1))) }
        return ranges
    }
}
