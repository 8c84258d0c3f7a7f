import TiesCore
import TiesStore
import TiesTestSupport

/// The audit phase (TiesCLI.docc/Commands.md: audit, diff, history TYPE
/// FROM TO): audit searches, diffs and link stories on
/// the imported ledger, `pages` of each kind.
enum TimeTravelBench {
    /// What the questions are drawn from.
    struct Context {
        let ledger: Ledger
        let headSeq: Int64
        let universe: RecordUniverse
        /// In `WorkloadType` order.
        let typeIDs: [String]

        /// When the event at `seq` was committed (untimed: it picks a question).
        func time(atSeq seq: Int64) throws(BenchError) -> Timestamp {
            let events: [HistoryEntry]
            do {
                events = try ledger.events(after: seq - 1, limit: 1)
            } catch {
                throw .failed("cannot read the event at seq \(seq): \(error)")
            }
            guard let event = events.first else { throw .failed("the ledger has no event at seq \(seq)") }
            return event.at
        }
    }

    static func measure(_ ledger: Ledger, universe: RecordUniverse, pages: Int,
                        random: inout SplitMix64) throws(BenchError) -> TimeTravelResult {
        let context = Context(ledger: ledger, headSeq: ledger.headSeq, universe: universe, typeIDs: try LedgerPhases.typeIDs(ledger))
        let result = TimeTravelResult(headSeq: context.headSeq,
                                      audit: try AuditBench.measure(context, pages: pages, random: &random),
                                      diff: try DiffBench.measure(context, pages: pages, random: &random),
                                      linkStory: try LinkStoryBench.measure(context, stories: pages, random: &random))
        // A fast wrong answer measures nothing.
        let wrong = result.audit.map { ("audit " + $0.key.rawValue, $0.value.wrong) } + result.diff.map { ("diff " + $0.key.rawValue, $0.value.wrong) }
        for (name, count) in wrong where count > 0 {
            throw .failed("\(count) of \(pages) pages of \(name) broke its order, filter or page size")
        }
        return result
    }
}
