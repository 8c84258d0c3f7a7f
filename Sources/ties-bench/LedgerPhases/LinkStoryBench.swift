import TiesCore
import TiesStore
import TiesTestSupport

/// Times `versions(of:)`, one link's story (`ties history TYPE FROM TO`,
/// `GET /v1/relationships/history`), on links of the records `QueryBench`
/// draws: half of them links of the hottest people, whose thousands of
/// link versions a lookup of one link must not walk through.
enum LinkStoryBench {
    /// Records drawn until one has a link; the hot ones always do.
    static let drawsMax = 100

    static func measure(_ context: TimeTravelBench.Context, stories: Int,
                        random: inout SplitMix64) throws(BenchError) -> QueryKindLatency {
        var targets: [QueryBench.Target] = []
        var links: [LinkKey] = []
        for _ in 0..<stories {
            let (target, link) = try linkToTell(context, &random)
            targets.append(target)
            links.append(link)
        }
        let latency: QueryKindLatency
        do {
            for link in links.prefix(QueryBench.warmUpQueries) { _ = try context.ledger.versions(of: link) }
            latency = try QueryBench.timed(targets) { index throws(LedgerError) in
                try context.ledger.versions(of: links[index]).reduce(0) { $0 + $1.events.count }
            }
        } catch {
            throw .failed("a link story failed: \(error)")
        }
        // Every current link has at least the event that linked it.
        guard latency.rowsReturned >= stories else { throw .failed("\(stories) link stories told \(latency.rowsReturned) events") }
        return latency
    }

    /// A current link of a drawn record, untimed.
    private static func linkToTell(_ context: TimeTravelBench.Context,
                                   _ random: inout SplitMix64) throws(BenchError) -> (QueryBench.Target, LinkKey) {
        for _ in 0..<drawsMax {
            let target = QueryBench.target(context.universe, &random)
            let links: [LinkView]
            do {
                links = try context.ledger.relationships(of: target.record).links
            } catch {
                throw .failed("cannot list the links of \(target.record): \(error)")
            }
            guard !links.isEmpty else { continue }
            let link = links[random.below(links.count)]
            return (target, LinkKey(typeId: link.type.id, from: link.from, to: link.to))
        }
        throw .failed("no record with a current link in \(drawsMax) draws")
    }
}
