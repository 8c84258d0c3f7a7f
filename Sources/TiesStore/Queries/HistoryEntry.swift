import TiesCore

/// One line of a record's audit trail.
public struct HistoryEntry: Sendable, Equatable {
    public var seq: Int64
    public var commitSeq: Int64
    public var at: Timestamp
    public var actor: String
    /// Who submitted the commit (see `CommitMetadata.principal`); nil for
    /// commits written before Ties kept it.
    public var principal: String?
    public var reason: String?
    public var event: Event
    /// In a record's history, the name of the event's link from that
    /// record's side (see `LinkView.label`); nil elsewhere.
    public var label: String? = nil
}
