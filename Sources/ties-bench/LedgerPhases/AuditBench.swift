import TiesCore
import TiesStore
import TiesTestSupport

/// Times `audit(_:limit:after:)`, what `ties audit` and `GET /v1/audit`
/// call, for each `AuditCase`: pages of 100, first pages and pages through
/// the cursor. Each question draws its values: times at random seqs, any
/// actor of the import (or one that never wrote), any workload type, a
/// hot person or any record, one or two of every operation (those the
/// workload never does too: an empty answer must be as cheap).
enum AuditBench {
    /// One search and what its answers must satisfy.
    struct Question {
        var filter: AuditFilter
        var since: Timestamp?
        var until: Timestamp?
        var typeID: String?
    }

    static func measure(_ context: TimeTravelBench.Context, pages: Int,
                        random: inout SplitMix64) throws(BenchError) -> [AuditCase: PagedLatency] {
        var results: [AuditCase: PagedLatency] = [:]
        for auditCase in AuditCase.allCases {
            var questions: [Question] = []
            for _ in 0..<pages { questions.append(try question(auditCase, context, &random)) }
            var lastSeq = Int64.max
            do {
                results[auditCase] = try PageWalk.time(pages: pages) { walk, cursor throws(LedgerError) in
                    let question = questions[walk]
                    let page = try context.ledger.audit(question.filter, limit: BenchLimits.timeTravelPageSize, after: cursor)
                    let seqs = page.entries.map(\.seq)
                    let ordered = zip(seqs, seqs.dropFirst()).allSatisfy { $0 > $1 } && (cursor == nil || (seqs.first ?? 0) < lastSeq)
                    lastSeq = seqs.last ?? lastSeq
                    return PageWalk.Page(rows: seqs.count, next: page.next, expected: ordered
                                         && seqs.count <= BenchLimits.timeTravelPageSize && page.entries.allSatisfy { matches($0, question) })
                }
            } catch {
                throw .failed("an audit search (\(auditCase.rawValue)) failed: \(error)")
            }
        }
        return results
    }

    private static func question(_ auditCase: AuditCase, _ context: TimeTravelBench.Context,
                                 _ random: inout SplitMix64) throws(BenchError) -> Question {
        var question = Question(filter: AuditFilter())
        func since() throws(BenchError) {
            question.since = try context.time(atSeq: Int64(1 + random.below(Int(context.headSeq))))
            question.filter.since = question.since.map(AsOf.time)
        }
        func type() {
            let type = WorkloadType.allCases[random.below(WorkloadType.allCases.count)]
            question.filter.type = .key(type.key)
            question.typeID = context.typeIDs[type.rawValue]
        }
        func actor() {
            let actors = WorkloadActors.distinct + [WorkloadActors.absent]
            question.filter.actor = actors[random.below(actors.count)]
        }
        switch auditCase {
        case .unfiltered:
            break
        case .timeRange:
            let seqs = [1 + random.below(Int(context.headSeq)), 1 + random.below(Int(context.headSeq))].sorted()
            switch random.below(3) {
            case 0: question.since = try context.time(atSeq: Int64(seqs[0]))
            case 1: question.until = try context.time(atSeq: Int64(seqs[1]))
            default: (question.since, question.until) = (try context.time(atSeq: Int64(seqs[0])), try context.time(atSeq: Int64(seqs[1])))
            }
            question.filter.since = question.since.map(AsOf.time)
            question.filter.until = question.until.map(AsOf.time)
        case .actor:
            actor()
        case .type:
            type()
        case .record:
            question.filter.record = QueryBench.target(context.universe, &random).record
        case .op:
            let ops = AuditOp.allCases
            question.filter.ops = random.below(2) == 0 ? [ops[random.below(ops.count)]] : [ops[random.below(ops.count)], ops[random.below(ops.count)]]
        case .actorSince:
            actor()
            try since()
        case .unlinksOfTypeSince:
            question.filter.ops = [.unlink]
            type()
            try since()
        }
        return question
    }

    /// Whether `entry` is one `question` asks for.
    private static func matches(_ entry: HistoryEntry, _ question: Question) -> Bool {
        let filter = question.filter
        let link = entry.event.link
        return (question.since.map { entry.at >= $0 } ?? true) && (question.until.map { entry.at <= $0 } ?? true)
            && (filter.actor.map { entry.actor == $0 } ?? true)
            && (question.typeID.map { id in link.map { $0.typeId == id } ?? true } ?? true)
            && (filter.record.map { record in link.map { $0.from == record || $0.to == record } ?? (entry.event.record == record) } ?? true)
            && (filter.ops.isEmpty || filter.ops.contains(op(of: entry.event)))
    }

    private static func op(of event: Event) -> AuditOp {
        switch event {
        case .objectTypeDefined: return .defineObjectType
        case .relationshipTypeRegistered, .relationshipTypeUpdated: return .registerRelationshipType
        case .linked: return .link
        case .unlinked: return .unlink
        case .attributesChanged: return .setAttributes
        case .recordUpserted: return .upsertRecord
        case .recordErased: return .eraseRecord
        }
    }
}
