import Testing
import TiesCore
@testable import TiesStore
import TiesTestSupport

/// `restore`: the link as it was at T, by ordinary events (TiesCore.docc/Rules.md).
struct RestoreTests {
    /// Random lives of one link (links, attribute changes, unlinks); for a
    /// random T at which it was linked, restore makes the current link
    /// equal to the link as of T, and a second restore appends nothing.
    @Test(arguments: 0..<40)
    func restoreThenShowGivesTheLinkAsItWasThen(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata())
        var linkedAt: [Int64] = []
        var linked = false
        for _ in 0..<Int.random(in: 3...25, using: &random) {
            let value = JSONValue.int(Int64.random(in: 0..<4, using: &random))
            let operation: Operation
            if !linked {
                operation = Op.link(Keys.placed, "u1", "o1", ["a": value])
            } else if Int.random(in: 0..<4, using: &random) == 0 {
                operation = Op.unlink(Keys.placed, "u1", "o1")
            } else if Bool.random(using: &random) {
                operation = Op.setAttributes(Keys.placed, "u1", "o1", set: ["b": value])
            } else {
                operation = Op.setAttributes(Keys.placed, "u1", "o1", unset: ["a"])
            }
            _ = try? ledger.commit([operation], metadata: metadata())
            linked = try ledger.relationships(of: person("u1")).links.contains { $0.to.id == "o1" }
            if linked { linkedAt.append(ledger.headSeq) }
        }
        let key = try ledger.link(.key(Keys.placed), from: "u1", to: "o1")
        let request = LinkRequest(type: .key(Keys.placed), fromID: "u1", toID: "o1", style: .personAndObject)
        if linkedAt.last == ledger.headSeq {
            // The present is not a point to restore to.
            #expect(throws: LedgerError.self) { try ledger.restoreOperation(request, asOf: .seq(ledger.headSeq)) }
        }
        guard let point = linkedAt.filter({ $0 < ledger.headSeq }).randomElement(using: &random) else { return }
        let then = try ledger.relationships(of: person("u1"), asOf: .seq(point)).links.first { $0.to.id == "o1" }?.attributes
        let before = ledger.headSeq
        _ = try ledger.commit([try ledger.restoreOperation(request, asOf: .seq(point))], metadata: metadata("dpo", reason: "restore"))
        let now = try ledger.relationships(of: person("u1")).links.first { $0.to.id == "o1" }?.attributes
        #expect(now == then, "seed \(seed): restored to seq \(point)")
        let head = ledger.headSeq
        _ = try ledger.commit([try ledger.restoreOperation(request, asOf: .seq(point))], metadata: metadata())
        #expect(ledger.headSeq == head, "seed \(seed): a second restore appended")
        // What it did, if anything, is in the link's story as an ordinary event.
        let story = try ledger.versions(of: key).flatMap(\.events)
        if head > before {
            #expect(story.last?.seq == head && story.last?.reason == "restore" && story.last?.actor == "dpo", "seed \(seed)")
        }
    }

    @Test func restoreRefusesAPointWithoutTheLinkAndObeysCardinality() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed, cardinality: .oneToMany)], metadata: metadata())
        _ = try ledger.commit([Op.link(Keys.placed, "u1", "o1")], metadata: metadata())
        let linkedSeq = ledger.headSeq
        _ = try ledger.commit([Op.unlink(Keys.placed, "u1", "o1")], metadata: metadata())
        _ = try ledger.commit([Op.link(Keys.placed, "u2", "o1")], metadata: metadata())
        let request = LinkRequest(type: .key(Keys.placed), fromID: "u1", toID: "o1", style: .personAndObject)
        do {
            _ = try ledger.restoreOperation(request, asOf: .seq(linkedSeq - 1))
            Issue.record("a restore to before the link existed was accepted")
        } catch {
            #expect(error.code == .relationshipNotFound)
        }
        do {
            _ = try ledger.commit([try ledger.restoreOperation(request, asOf: .seq(linkedSeq))], metadata: metadata())
            Issue.record("a restore broke ONE_TO_MANY")
        } catch {
            #expect(error.code == .cardinalityViolation)
        }
        let byMatch = LinkRequest(type: .key(Keys.placed), from: .match(FieldMatch(field: "email", value: .string("x"))), to: .id("o1"), style: .personAndObject)
        #expect(throws: LedgerError.self) { try ledger.restoreOperation(byMatch, asOf: .seq(linkedSeq)) }
    }
}
