/// Latency of one paged query: every page, and first pages and pages
/// reached through a cursor apart, because a cursor page that rescans
/// what came before is where paging goes wrong; and the CPU time of every
/// page, which waiting for a CPU on a shared machine does not inflate.
/// `rowsReturned` (every
/// page's rows) is proof the queries found data; `wrong` counts answers
/// that broke the query's promise (order, filter, page size).
struct PagedLatency: Equatable {
    var all: LatencySummary
    var first: LatencySummary
    var later: LatencySummary
    var cpu: LatencySummary
    var rowsReturned = 0
    var wrong = 0
}
