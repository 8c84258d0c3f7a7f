/// Latency of one paged query: every page, and first pages and pages
/// reached through a cursor apart, because a cursor page that rescans
/// what came before is where paging goes wrong.
struct PagedLatency: Equatable {
    var all: LatencySummary
    var first: LatencySummary
    var later: LatencySummary
    /// Rows of every page together: proof the queries found data.
    var rowsReturned: Int
    /// Answers that broke the query's promise (order, filter, page bound).
    var wrong: Int
}
