import TiesCore
import TiesStore

/// Restarting after the projection is lost: from the newest snapshot plus
/// the log after it, against a full replay of the log.
struct RestartResult: Equatable {
    var snapshotSeq: Int64
    var headSeq: Int64
    var fromSnapshotMs: Double
    var fullReplayMs: Double

    var ratio: Double { fullReplayMs > 0 ? fromSnapshotMs / fullReplayMs : 0 }
    var fullReplayEventsPerSecond: Double { fullReplayMs > 0 ? Double(headSeq) * 1_000 / fullReplayMs : 0 }
}
