import TiesCore
import TiesStore
import TiesTestSupport

/// Times `diff(from:to:record:type:limit:after:)`, what `ties diff` and
/// `GET /v1/diff` call, between two seqs `BenchLimits.diffSpanEvents`
/// apart at random places in the ledger, earlier point first: pages of
/// 100 of the whole ledger, of one record (half of them the hottest
/// people) and of one type, first pages and pages through the cursor.
enum DiffBench {
    struct Question {
        var first: Int64
        var second: Int64
        var record: RecordRef?
        var type: WorkloadType?
    }

    static func measure(_ context: TimeTravelBench.Context, pages: Int,
                        random: inout SplitMix64) throws(BenchError) -> [DiffScope: PagedLatency] {
        var results: [DiffScope: PagedLatency] = [:]
        let span = min(Int64(BenchLimits.diffSpanEvents), context.headSeq)
        for scope in DiffScope.allCases {
            let questions = (0..<pages).map { _ in
                let second = span + Int64(random.below(Int(context.headSeq - span) + 1))
                return Question(first: second - span, second: second,
                                record: scope == .record ? QueryBench.target(context.universe, &random).record : nil,
                                type: scope == .type ? WorkloadType.allCases[random.below(WorkloadType.allCases.count)] : nil)
            }
            do {
                results[scope] = try PageWalk.time(pages: pages) { walk, cursor throws(LedgerError) in
                    let question = questions[walk]
                    let diff = try context.ledger.diff(from: .seq(question.first), to: .seq(question.second), record: question.record,
                                               type: question.type.map { .key($0.key) }, limit: BenchLimits.timeTravelPageSize, after: cursor)
                    let expected = diff.differences.count <= BenchLimits.timeTravelPageSize && diff.differences.allSatisfy { difference in
                        difference.before != difference.after && (question.type.map { difference.type.key == $0.key } ?? true)
                            && (question.record.map { difference.from == $0 || difference.to == $0 } ?? true)
                    }
                    return PageWalk.Page(rows: diff.differences.count, next: diff.next, expected: expected)
                }
            } catch {
                throw .failed("a diff (\(scope.rawValue)) failed: \(error)")
            }
        }
        return results
    }
}
