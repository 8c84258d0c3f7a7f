import TiesCore
import TiesStore
import TiesTestSupport

/// Query latency at one ledger size.
struct QueryPoint: Equatable {
    var headSeq: Int64
    var relationships: QueryKindLatency
    var history: QueryKindLatency
}
