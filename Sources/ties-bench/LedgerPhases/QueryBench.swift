import TiesCore
import TiesStore
import TiesTestSupport

/// Times `relationships(of:asOf:)` and `history(of:limit:)` on a mix of
/// targets: half the hottest people (thousands of events each), half
/// records of every type drawn uniformly (mostly short histories).
enum QueryBench {
    static let historyPageSize = 50
    /// Untimed calls first, so statement preparation is not a sample.
    static let warmUpQueries = 10

    struct Target {
        var record: RecordRef
        var hot: Bool
    }

    static func measure(_ ledger: Ledger, universe: RecordUniverse, queries: Int,
                        random: inout SplitMix64) throws(BenchError) -> QueryPoint {
        let head = ledger.headSeq
        precondition(head > 0, "queries need a non-empty ledger")
        let targets = (0..<queries).map { _ in target(universe, &random) }
        let seqs = (0..<queries).map { _ in Int64(1 + random.below(Int(head))) }
        do {
            for index in 0..<min(warmUpQueries, queries) {
                _ = try ledger.relationships(of: targets[index].record, asOf: .seq(seqs[index]))
                _ = try ledger.history(of: targets[index].record, limit: historyPageSize)
            }
            let relationships = try timed(targets) { index throws(LedgerError) in
                try ledger.relationships(of: targets[index].record, asOf: .seq(seqs[index])).links.count
            }
            let history = try timed(targets) { index throws(LedgerError) in
                try ledger.history(of: targets[index].record, limit: historyPageSize).entries.count
            }
            return QueryPoint(headSeq: head, relationships: relationships, history: history)
        } catch {
            throw .failed("a query failed at seq \(head): \(error)")
        }
    }

    /// Runs `query` once per target, timing each call alone.
    static func timed(_ targets: [Target], _ query: (Int) throws(LedgerError) -> Int) throws(LedgerError) -> QueryKindLatency {
        var hot: [UInt64] = []
        var cold: [UInt64] = []
        var rows = 0
        for index in targets.indices {
            let start = BenchSystem.nowNs()
            rows += try query(index)
            let elapsed = BenchSystem.nowNs() - start
            if targets[index].hot { hot.append(elapsed) } else { cold.append(elapsed) }
        }
        return QueryKindLatency(all: LatencySummary(nanoseconds: hot + cold), hot: LatencySummary(nanoseconds: hot),
                                cold: LatencySummary(nanoseconds: cold), rowsReturned: rows)
    }

    static func target(_ universe: RecordUniverse, _ random: inout SplitMix64) -> Target {
        if random.below(2) == 0 {
            let rank = random.below(min(WorkloadShape.hotPeople, universe.people))
            return Target(record: RecordRef(type: RecordRef.personType, id: RecordNames.person(rank)), hot: true)
        }
        let pools: [(type: String, count: Int, name: (Int) -> String)] = [
            (RecordRef.personType, universe.people, RecordNames.person),
            ("order", universe.orders, RecordNames.order),
            ("line_item", universe.lineItems, RecordNames.lineItem),
            ("household", universe.households, RecordNames.household),
            ("account", universe.accounts, RecordNames.account),
        ]
        let pool = pools[random.below(pools.count)]
        guard pool.count > 0 else {
            return Target(record: RecordRef(type: RecordRef.personType, id: RecordNames.person(random.below(universe.people))), hot: false)
        }
        return Target(record: RecordRef(type: pool.type, id: pool.name(random.below(pool.count))), hot: false)
    }
}
