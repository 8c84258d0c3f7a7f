import TiesCore
import TiesSystem

/// When the projection commits the write transaction its applies gather.
///
/// The log's commit is the durable acknowledgement; the projection is
/// derived from it and catches up after a crash, so it may apply many log
/// commits in one SQLite transaction. Larger transactions dirty each
/// index page once instead of once per log commit (the Performance
/// article). Only the connection that applies sees an uncommitted batch,
/// so a server whose readers use their own connections commits every apply.
struct ProjectionBatching: Equatable {
    /// Commit once this many events are applied…
    var events: Int
    /// …or once the transaction is this old.
    var ageNs: UInt64

    /// Each apply commits: readers on other connections see it at once.
    static let everyApply = ProjectionBatching(events: 0, ageNs: 0)
    /// Import, rebuild and catching up on open.
    static let bulk = ProjectionBatching(events: Limits.projectionBatchEventsMax,
                                         ageNs: UInt64(Limits.projectionBatchAgeMsMax) * 1_000_000)

    func isFull(_ batch: OpenBatch) -> Bool {
        batch.events >= events || SystemClock.monotonicNanoseconds() - batch.startedNs >= ageNs
    }
}

/// A write transaction `Projection.apply` has begun and not yet committed.
struct OpenBatch {
    let startedNs: UInt64
    var events = 0
}
