import TiesCore

/// The seqs an audit search matches, newest first, found the way a search
/// engine intersects posting lists (a leapfrog join): every clause must
/// match, and a clause is one or more `AuditIndex`es of which any may
/// (the kinds of the operations asked for). Each clause in turn seeks its
/// largest match at or below the candidate; one below it becomes the new
/// candidate, and a candidate every clause agrees on is a match.
///
/// Why not one SQL statement: SQLite drives a query by one index and
/// filters the rest row by row, so a selective filter (an actor with a few
/// old commits, an operation that happened once) behind a common one reads
/// the log's whole length to fill a page, and several kinds ordered by seq
/// are sorted whole. Here a page costs a few reads of each filter's index
/// where the filters agree, and about one per change of hands (read ahead
/// by `AuditIndex`) where they do not.
struct AuditSearch {
    var clauses: [[AuditIndex]]

    /// Up to `limit` matching seqs from `highest` down to `lowest`. With no
    /// clause every seq matches (every seq of the log is an event).
    func seqs(from highest: Int64, downTo lowest: Int64, limit: Int) throws(LedgerError) -> [Int64] {
        var seqs: [Int64] = []
        var candidate = highest
        while seqs.count < limit && candidate >= lowest {
            var agreed = true
            for clause in clauses {
                var nearest: Int64?
                for index in clause {
                    if let seq = try index.seek(atMost: candidate) { nearest = max(nearest ?? seq, seq) }
                }
                guard let nearest, nearest >= lowest else { return seqs }
                if nearest < candidate {
                    candidate = nearest
                    agreed = false
                }
            }
            if agreed {
                seqs.append(candidate)
                candidate -= 1
            }
        }
        return seqs
    }

    /// Reads that went to SQLite so far, for tests of what a page costs.
    var reads: Int { clauses.joined().reduce(0) { $0 + $1.reads } }
}
