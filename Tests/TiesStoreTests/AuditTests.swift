import Testing
import TiesCore
@testable import TiesStore
import TiesTestSupport

/// Audit search (TiesCore.docc/Rules.md): filters, newest first, paged, by index.
struct AuditTests {
    /// Random commits by three actors over two types and a few records;
    /// every filter combination's pages concatenate to what a scan of the
    /// log with the same filter finds, newest first.
    @Test(arguments: 0..<12)
    func pagesEqualAFilteredScan(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.define("line_item"), Op.register(Keys.placed), Op.register(Keys.contains)], metadata: metadata("setup"))
        let actors = ["ann", "bob", "cy"]
        for index in 0..<60 {
            let person = "u\(Int.random(in: 0..<3, using: &random))"
            let order = "o\(Int.random(in: 0..<3, using: &random))"
            let operation: Operation = switch Int.random(in: 0..<5, using: &random) {
            case 0: Op.unlink(Keys.placed, person, order)
            case 1: Op.link(Keys.contains, order, "li\(index % 4)")
            case 2: Op.upsert("person:" + person, set: ["n": .int(Int64(index))])
            default: Op.link(Keys.placed, person, order, ["n": .int(Int64(index))])
            }
            _ = try? ledger.commit([operation], metadata: metadata(actors.randomElement(using: &random)!))
        }
        let all = try ledger.events(after: 0, limit: 1000).reversed()
        let placed = try #require(ledger.catalog.relationshipTypes.first { $0.key == Keys.placed }).id
        let filters: [AuditFilter] = [
            AuditFilter(), AuditFilter(actor: "ann"), AuditFilter(type: .key(Keys.placed)), AuditFilter(record: person("u1")),
            AuditFilter(ops: [.unlink, .upsertRecord]), AuditFilter(since: .seq(20), until: .seq(50)),
            AuditFilter(actor: "bob", type: .id(placed), ops: [.link]), AuditFilter(record: record("order", "o2"), ops: [.link, .unlink]),
        ]
        for filter in filters {
            let expected = all.filter { entry in
                (filter.actor.map { entry.actor == $0 } ?? true)
                    && (filter.type == nil || EventKind.typeID(of: entry.event) == placed)
                    && (filter.record.map { entry.event.link?.from == $0 || entry.event.link?.to == $0 || entry.event.record == $0 } ?? true)
                    && (filter.ops.isEmpty || filter.ops.contains { $0.kinds.contains(EventKind(entry.event)) })
                    && (filter.since == nil || entry.seq >= 20) && (filter.until == nil || entry.seq <= 50)
            }.map(\.seq)
            var seen: [Int64] = []
            var cursor: String?
            repeat {
                let page = try ledger.audit(filter, limit: Int.random(in: 1...7, using: &random), after: cursor)
                seen += page.entries.map(\.seq)
                cursor = page.next
            } while cursor != nil
            #expect(seen == expected, "seed \(seed): \(filter)")
        }
    }

    /// A few events of one actor and of one kind below many of another: a
    /// page of them costs reads for what it finds, not a walk down the log.
    @Test func aPageOfRareEventsSeeksThemInsteadOfScanning() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata("setup"))
        _ = try ledger.commit([Op.link(Keys.placed, "u1", "o1"), Op.link(Keys.placed, "u1", "o2")], metadata: metadata("ann"))
        for batch in 0..<20 {
            _ = try ledger.commit((0..<20).map { Op.link(Keys.placed, "u\(batch)", "o\(batch * 20 + $0 + 3)") }, metadata: metadata("bulk"))
        }
        let head = ledger.headSeq
        let placedID = try #require(ledger.catalog.relationshipTypes.first).id
        let placed = try #require(try ledger.projection.queryTypeNumber(placedID))
        let cases: [(AuditQuery, [Int64], Int)] = [
            (AuditQuery(beforeSeq: .max, limit: 10, actor: "ann"), [4, 3], 1),
            (AuditQuery(beforeSeq: .max, limit: 10, actor: "nobody"), [], 1),
            (AuditQuery(beforeSeq: .max, limit: 10, kinds: [EventKind.objectTypeDefined.rawValue]), [1], 1),
            (AuditQuery(beforeSeq: .max, limit: 10, actor: "ann", typeNumber: placed, kinds: [EventKind.linked.rawValue]), [4, 3], 4),
            // Pages of a common filter: a read serves many matches.
            (AuditQuery(beforeSeq: .max, limit: 100, actor: "bulk"), Array((head - 99...head).reversed()), 1),
            (AuditQuery(beforeSeq: .max, limit: 100, typeNumber: placed), Array((head - 99...head).reversed()), 100 / Limits.auditIndexReadAheadRows + 1),
        ]
        for (query, expected, readsMax) in cases {
            let search = ledger.projection.search(query)
            #expect(try search.seqs(from: head, downTo: 1, limit: query.limit) == expected, "\(query)")
            #expect(search.reads <= readsMax, "\(query): \(search.reads) reads for \(head) events")
        }
    }
}

extension AuditTests {
    @Test func untilASeqInsideACommitKeepsTheEventsUpToIt() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata())
        _ = try ledger.commit([Op.link(Keys.placed, "u1", "o1"), Op.link(Keys.placed, "u1", "o2"), Op.link(Keys.placed, "u1", "o3")], metadata: metadata())
        #expect(try ledger.audit(AuditFilter(until: .seq(4))).entries.map(\.seq) == [4, 3, 2, 1])
        #expect(try ledger.audit(AuditFilter(since: .seq(4), until: .seq(4))).entries.map(\.seq) == [4])
        do {
            _ = try ledger.audit(AuditFilter(until: .seq(6)))
            Issue.record("a seq beyond the head was accepted")
        } catch {
            #expect(error.code == .invalidAsOf)
        }
    }
}
