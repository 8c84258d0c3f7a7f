import TiesCore

/// A page of history, newest first; `next` is the opaque cursor of the
/// following (older) page, nil on the last page.
public struct HistoryPage: Sendable, Equatable {
    public var record: RecordRef
    public var entries: [HistoryEntry]
    public var next: String?
}
