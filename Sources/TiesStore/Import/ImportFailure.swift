import TiesCore

/// An import stopped at a bad line. Everything before `totals.committedThroughLine` is committed.
public struct ImportFailure: Error, Sendable {
    public var error: LedgerError
    /// The line that was rejected (0 when the input itself could not be read).
    public var line: Int
    public var totals: ImportTotals
}
