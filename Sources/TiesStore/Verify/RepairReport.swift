import TiesCore

/// What `ties repair` did.
public struct RepairReport: Sendable {
    /// The seq the log now ends at.
    public var keptThroughSeq: Int64
    /// Where the log now ends.
    public var keptBytes: Int64
    /// How many bytes were moved aside, and where (nil when none).
    public var movedBytes: Int64
    public var movedTo: String?
}
