import TiesCore

/// History cursors: opaque to clients; today the seq to continue below,
/// prefixed so a cursor is never mistaken for a plain number.
enum HistoryCursor {
    static func encode(_ seq: Int64) -> String { "h\(seq)" }

    static func decode(_ cursor: String) throws(LedgerError) -> Int64 {
        guard cursor.hasPrefix("h"), let seq = Int64(cursor.dropFirst()), seq > 0 else { throw .cursorNotIssued }
        return seq
    }
}

extension LedgerError {
    /// What every paged list answers for an `after` it did not issue.
    static let cursorNotIssued = LedgerError(.invalidField, "'after' is not a cursor this ledger issued", details: ["field": .string("after")])
}
