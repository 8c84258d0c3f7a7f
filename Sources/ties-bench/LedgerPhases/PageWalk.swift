import TiesCore
import TiesStore

/// Times walks through a paged query as a client reads it: a first page,
/// then up to `BenchLimits.pagesPerWalk - 1` more through each page's
/// cursor; a walk that reaches the last page ends early and the next walk
/// asks a new question.
enum PageWalk {
    /// Untimed first pages before the timed ones, so statement preparation
    /// is not a sample; of the last questions, which timed walks seldom reach.
    static let warmUpPages = 10

    /// One page read: its rows, its `next` cursor, and whether it kept the query's promise.
    struct Page {
        var rows: Int
        var next: String?
        var expected: Bool
    }

    /// Times `pages` pages; `read(walk, cursor)` reads the page after
    /// `cursor` (the first when nil) of question number `walk`, which is
    /// below `pages`.
    static func time(pages: Int, _ read: (_ walk: Int, _ cursor: String?) throws(LedgerError) -> Page) throws(LedgerError) -> PagedLatency {
        for walk in (0..<pages).suffix(warmUpPages) { _ = try read(walk, nil) }
        var first: [UInt64] = []
        var later: [UInt64] = []
        var cpu: [UInt64] = []
        var rows = 0
        var wrong = 0
        var walk = 0
        var cursor: String?
        var pagesInWalk = 0
        for _ in 0..<pages {
            let (start, cpuStart) = (BenchSystem.nowNs(), BenchSystem.threadCPUNs())
            let page = try read(walk, cursor)
            let elapsed = BenchSystem.nowNs() - start
            cpu.append(BenchSystem.threadCPUNs() - cpuStart)
            if cursor == nil { first.append(elapsed) } else { later.append(elapsed) }
            rows += page.rows
            if !page.expected { wrong += 1 }
            pagesInWalk += 1
            cursor = pagesInWalk < BenchLimits.pagesPerWalk ? page.next : nil
            if cursor == nil {
                walk += 1
                pagesInWalk = 0
            }
        }
        return PagedLatency(all: LatencySummary(nanoseconds: first + later), first: LatencySummary(nanoseconds: first),
                            later: LatencySummary(nanoseconds: later), cpu: LatencySummary(nanoseconds: cpu), rowsReturned: rows, wrong: wrong)
    }
}
