import TiesCore

/// The per-record event index rows (`record_events`) of the projection's
/// open write transaction, held back and inserted in key order just
/// before it commits, or before a query on the same connection reads the
/// index.
///
/// Applied one by one, the two rows of a link event went to the pages of
/// its two records, anywhere in the index: at a million events a bulk
/// transaction touched nearly every page of it, and those pages crowded
/// the page cache that the link versions and their indexes need too, so
/// dirty pages were written out to the WAL and written again (the
/// Performance article). In key order each page is written once.
struct PendingRecordEvents {
    private var rows: [(record: Int64, seq: Int64)] = []

    var count: Int { rows.count }

    mutating func add(record: Int64, seq: Int64) {
        rows.append((record, seq))
    }

    /// Forgets the rows (their transaction was rolled back).
    mutating func removeAll() {
        rows.removeAll()
    }

    /// Inserts the rows, in (record, seq) order, in the open transaction.
    mutating func insert(into db: SQLiteConnection) throws(LedgerError) {
        guard !rows.isEmpty else { return }
        precondition(db.isInTransaction, "record_events held back outside a write transaction")
        rows.sort { $0.record != $1.record ? $0.record < $1.record : $0.seq < $1.seq }
        let statement = try db.statement("INSERT OR IGNORE INTO record_events (record, seq) VALUES (?1, ?2)")
        defer { statement.reset() }
        for row in rows {
            statement.reset()
            try statement.bind(1, row.record).bind(2, row.seq).run()
        }
        rows.removeAll(keepingCapacity: rows.count <= Limits.projectionRecordEventsPendingMax)
    }
}
