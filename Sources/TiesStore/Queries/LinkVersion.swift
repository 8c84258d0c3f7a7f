import TiesCore

/// One version of a link: one life, from the event that linked it to the
/// one that unlinked it (`toSeq` nil while it is current), with its
/// attributes at the end (or now) and every event that made, changed or
/// ended it, each with its commit's time, actor, principal and reason.
public struct LinkVersion: Sendable, Equatable {
    public var fromSeq: Int64
    public var fromAt: Timestamp
    public var toSeq: Int64?
    public var toAt: Timestamp?
    public var attributes: Attributes
    public var events: [HistoryEntry]
}
