import TiesCore
import TiesStore
import TiesTestSupport

/// One query kind at one point: all targets, and the hot and cold halves
/// apart, because a hot record's long history is where an index that
/// scans instead of seeks shows.
struct QueryKindLatency: Equatable {
    var all: LatencySummary
    var hot: LatencySummary
    var cold: LatencySummary
    /// Links or history entries returned in total: proof the queries found data.
    var rowsReturned: Int
}
