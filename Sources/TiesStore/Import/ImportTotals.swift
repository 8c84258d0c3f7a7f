import TiesCore

/// Running totals of an import; also its final summary.
public struct ImportTotals: Sendable, Equatable {
    /// Lines read, blank ones included (so line numbers match an editor's).
    public var lines = 0
    /// Operations committed (no-ops included).
    public var operations = 0
    /// Operations that appended nothing (already so).
    public var unchanged = 0
    public var commits = 0
    public var events: Int64 = 0
    public var firstSeq: Int64?
    public var lastSeq: Int64?
    /// The last line whose operation is committed.
    public var committedThroughLine = 0
    public var bytesRead: Int64 = 0
    public var bytesTotal: Int64?
}
