import TiesCore

/// One filter of an audit search as the seqs it matches, read downwards
/// through its index (see `AuditSearch`).
///
/// Each read takes the next `Limits.auditIndexReadAheadRows` matches at or
/// below the bound sought, and the index remembers them and what lies
/// between (nothing), so a search that moves down a few seqs at a time
/// goes back to SQLite only when it leaves what it has read. For an actor
/// a match is a whole commit: every seq in it.
final class AuditIndex {
    enum Key {
        case record(Int64)
        case actor(String)
        case type(Int64)
        case kind(Int64)
    }

    private let key: Key
    private let db: SQLiteConnection
    /// The last read: from `bound` down to `low`, the seqs matched are
    /// exactly those of `runs` (newest first); `low` is `Int64.min` when
    /// the read reached the index's end.
    private var known: (bound: Int64, low: Int64, runs: [(first: Int64, last: Int64)])?
    /// Reads that went to SQLite, for tests of what a page costs.
    private(set) var reads = 0

    init(_ key: Key, db: SQLiteConnection) {
        self.key = key
        self.db = db
    }

    /// The largest seq at most `bound` this filter matches, nil when none.
    func seek(atMost bound: Int64) throws(LedgerError) -> Int64? {
        if let known, known.low <= bound, bound <= known.bound {
            return Self.nearest(atMost: bound, in: known.runs)
        }
        let runs = try read(atMost: bound)
        known = (bound, runs.count == Limits.auditIndexReadAheadRows ? runs[runs.count - 1].first : .min, runs)
        return Self.nearest(atMost: bound, in: runs)
    }

    private static func nearest(atMost bound: Int64, in runs: [(first: Int64, last: Int64)]) -> Int64? {
        runs.first { $0.first <= bound }.map { min($0.last, bound) }
    }

    /// The next matches at or below `bound`, newest first.
    private func read(atMost bound: Int64) throws(LedgerError) -> [(first: Int64, last: Int64)] {
        reads += 1
        let statement = try db.statement(sql)
        defer { statement.reset() }
        switch key {
        case .record(let number), .type(let number), .kind(let number): statement.bind(1, number)
        case .actor(let actor): statement.bind(1, actor)
        }
        statement.bind(2, bound).bind(3, Int64(Limits.auditIndexReadAheadRows))
        var runs: [(first: Int64, last: Int64)] = []
        while try statement.step() { runs.append((statement.int(0), statement.int(1))) }
        return runs
    }

    /// The first and last seq of each match at or below ?2, newest first,
    /// ?3 of them: single events, or for an actor whole commits.
    private var sql: String {
        switch key {
        case .record: return "SELECT seq, seq FROM record_events WHERE record = ?1 AND seq <= ?2 ORDER BY seq DESC LIMIT ?3"
        case .actor:
            return """
                SELECT first_seq, last_seq FROM commits INDEXED BY commits_by_actor
                WHERE actor = ?1 AND first_seq <= ?2 ORDER BY first_seq DESC LIMIT ?3
                """
        case .type: return "SELECT seq, seq FROM events INDEXED BY events_by_type WHERE type = ?1 AND seq <= ?2 ORDER BY seq DESC LIMIT ?3"
        case .kind: return "SELECT seq, seq FROM events INDEXED BY events_by_kind WHERE kind = ?1 AND seq <= ?2 ORDER BY seq DESC LIMIT ?3"
        }
    }
}
