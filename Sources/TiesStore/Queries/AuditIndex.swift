import TiesCore

/// One filter of an audit search as the seqs it matches, read downwards
/// through its index one seek at a time (see `AuditSearch`).
///
/// It remembers what its last seek showed — no match between the answer
/// and the bound sought from, and for an actor every seq of the commit the
/// answer is in — so a search that steps down one seq after each match
/// goes back to SQLite only when it leaves what is known.
final class AuditIndex {
    enum Key {
        case record(Int64)
        case actor(String)
        case type(Int64)
        case kind(Int64)
    }

    private let key: Key
    private let db: SQLiteConnection
    /// What the last seek found: nothing matches in (answer, bound], all of
    /// [runStart, answer] matches; answer nil when nothing is at or below bound.
    private var known: (bound: Int64, answer: Int64?, runStart: Int64)?
    /// Seeks that went to SQLite, for tests of what a page costs.
    private(set) var seeks = 0

    init(_ key: Key, db: SQLiteConnection) {
        self.key = key
        self.db = db
    }

    /// The largest seq at most `bound` this filter matches, nil when none.
    func seek(atMost bound: Int64) throws(LedgerError) -> Int64? {
        if let known, bound <= known.bound {
            guard let answer = known.answer else { return nil }
            if bound >= answer { return answer }
            if bound >= known.runStart { return bound }
        }
        seeks += 1
        let statement = try db.statement(sql)
        defer { statement.reset() }
        switch key {
        case .record(let number), .type(let number), .kind(let number): statement.bind(1, number)
        case .actor(let actor): statement.bind(1, actor)
        }
        statement.bind(2, bound)
        guard try statement.step() else {
            known = (bound, nil, 0)
            return nil
        }
        let answer = min(statement.int(1), bound)
        known = (bound, answer, statement.int(0))
        return answer
    }

    /// The first and last seq of the nearest match at or below ?2: a
    /// single event, or for an actor the whole commit.
    private var sql: String {
        switch key {
        case .record: return "SELECT seq, seq FROM record_events WHERE record = ?1 AND seq <= ?2 ORDER BY seq DESC LIMIT 1"
        case .actor:
            return """
                SELECT first_seq, last_seq FROM commits INDEXED BY commits_by_actor
                WHERE actor = ?1 AND first_seq <= ?2 ORDER BY first_seq DESC LIMIT 1
                """
        case .type: return "SELECT seq, seq FROM events INDEXED BY events_by_type WHERE type = ?1 AND seq <= ?2 ORDER BY seq DESC LIMIT 1"
        case .kind: return "SELECT seq, seq FROM events INDEXED BY events_by_kind WHERE kind = ?1 AND seq <= ?2 ORDER BY seq DESC LIMIT 1"
        }
    }
}
