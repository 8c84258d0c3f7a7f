import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

// Properties of diffs: for random seqs A and B (either order), diff(A, B)
// is exactly what differs between a naive model's links at A and at B —
// so applied to the state at A it gives the state at B — with and without
// record and type filters; pages of every size concatenate to the
// one-page answer; and a diff paged while commits land stays on its seqs.

/// Few records and attribute values, so links are unlinked and relinked
/// with the same attributes (no change) and with others (a change).
private enum DiffWorld {
    static let placed = RelationshipTypeKey.personToCo(role: "placed", objectType: "order")
    static let nests = RelationshipTypeKey.coToCo(role: "nests", parent: "order", child: "order")
    static let keys = [placed, nests]
    static let ids: [String: [String]] = ["person": ["p0", "p1"], "order": ["o0", "o1", "o2"]]
    static var records: [RecordRef] { ids.keys.sorted().flatMap { type in ids[type]!.map { RecordRef(type: type, id: $0) } } }

    /// A random script, sometimes two operations on one link in one commit.
    static func script(seed: UInt64, commits: Int) -> [[Operation]] {
        var random = SplitMix64(seed: seed)
        var linked: Set<[String]> = []
        var script: [[Operation]] = [[Op.define("order"), Op.register(placed), Op.register(nests)]]
        for _ in 0..<commits {
            let key = random.pick(keys)
            let from = random.pick(ids[key.fromType]!)
            let to = random.pick(ids[key.toType]!)
            let name = [key.description, from, to]
            let attributes: Attributes = ["n": .int(Int64(random.below(2)))]
            if linked.contains(name) {
                switch random.below(4) {
                case 0: script.append([Op.unlink(key, from, to)]); linked.remove(name)
                case 1: script.append([Op.unlink(key, from, to), Op.link(key, from, to, attributes)])
                default: script.append([Op.setAttributes(key, from, to, set: attributes)])
                }
            } else {
                script.append([Op.link(key, from, to, attributes)])
                linked.insert(name)
            }
        }
        return script
    }
}

/// The links and their attributes after every whole commit, by replay.
private struct DiffModel {
    var linksAt: [Int64: [LinkKey: Attributes]] = [0: [:]]

    init(_ commits: [ScannedCommit]) {
        var links: [LinkKey: Attributes] = [:]
        for commit in commits {
            for event in commit.commit.events {
                switch event {
                case .linked(let key, let attributes, _): links[key] = attributes
                case .unlinked(let key, _): links[key] = nil
                case .attributesChanged(let key, let set, let unset, _):
                    for (name, value) in set { links[key]?[name] = value }
                    for name in unset { links[key]?[name] = nil }
                default: break
                }
            }
            linksAt[commit.commit.lastSeq] = links
        }
    }

    func links(at seq: Int64, record: RecordRef?, typeId: String?) -> [LinkKey: Attributes] {
        linksAt[linksAt.keys.filter { $0 <= seq }.max()!]!.filter { key, _ in
            (record == nil || key.from == record || key.to == record) && (typeId == nil || key.typeId == typeId)
        }
    }
}

/// Walks every page of a diff with page sizes up to `largest`.
private func walk(_ ledger: Ledger, from first: Int64, to second: Int64, record: RecordRef?, type: RelationshipTypeReference?,
                  sizes: inout SplitMix64, largest: Int) throws -> [LinkDiff.Difference] {
    var differences: [LinkDiff.Difference] = []
    var cursor: String?
    var pages = 0
    repeat {
        let limit = 1 + sizes.below(largest)
        let page = try ledger.diff(from: .seq(first), to: .seq(second), record: record, type: type, limit: limit, after: cursor)
        #expect(page.differences.count == limit || page.next == nil, "a page short of its limit is the last")
        #expect(page.next == nil || !page.differences.isEmpty)
        differences += page.differences
        cursor = page.next
        pages += 1
    } while cursor != nil && pages <= 1000
    return differences
}

@Suite("diffs")
struct DiffPropertyTests {
    @Test("diff(A, B) applied to the model at A gives the model at B, for every filter; pages concatenate to the one-page answer",
          arguments: [UInt64(1), 2, 3])
    func diffMatchesTheModel(seed: UInt64) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (head, whole) = try checkAgainstTheModel(seed: seed, in: directory.path)
        // The same answers from a projection built from the log in one go (its indexes made at the end).
        try Files.removeProjection(in: directory.path)
        let rebuilt = try Ledger.open(at: directory.path, access: .read)
        #expect(try rebuilt.diff(from: .seq(0), to: .seq(head / 2), limit: Limits.pageSizeMax) == whole)
    }

    /// Runs the property on a new ledger in `path`, which it closes; returns
    /// its head and the diff from 0 to half of it, to compare after a rebuild.
    private func checkAgainstTheModel(seed: UInt64, in path: String) throws -> (head: Int64, whole: LinkDiff) {
        let ledger = try makeLedger(in: path)
        for operations in DiffWorld.script(seed: seed, commits: 150) { _ = try ledger.commit(operations, metadata: metadata()) }
        let model = DiffModel(try readWholeLog(ledger))
        let types = ledger.catalog.relationshipTypes
        let filters: [(RecordRef?, RelationshipTypeReference?, String?)] = [(nil, nil, nil)]
            + DiffWorld.records.map { ($0, nil, nil) }
            + types.map { (nil, .key($0.key), $0.id) }
            + types.map { (RecordRef(type: "order", id: "o1"), .id($0.id), $0.id) }
        var random = SplitMix64(seed: seed).derived(0xD1FF)
        let head = ledger.headSeq
        var kinds: Set<String> = []
        for _ in 0..<25 {
            let first = Int64(random.below(Int(head) + 1))
            let second = Int64(random.below(Int(head) + 1))
            for (record, reference, typeId) in filters {
                let asked = "\(first) → \(second) \(record?.description ?? "all records") \(typeId ?? "all types")"
                let whole = try ledger.diff(from: .seq(first), to: .seq(second), record: record, type: reference, limit: Limits.pageSizeMax)
                #expect(whole.next == nil, "\(asked)")
                let before = model.links(at: first, record: record, typeId: typeId)
                let after = model.links(at: second, record: record, typeId: typeId)
                var applied = before
                for difference in whole.differences { applied[difference.key] = difference.after }
                #expect(applied == after, "\(asked)")
                let expected = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
                #expect(whole.differences.count == expected.count, "\(asked): each differing link once, nothing else")
                for difference in whole.differences {
                    #expect(difference.before == before[difference.key], "\(asked): \(difference.key)")
                }
                kinds.formUnion(whole.differences.map { "\($0.kind)" })
                let walked = try walk(ledger, from: first, to: second, record: record, type: reference, sizes: &random, largest: 4)
                #expect(walked == whole.differences, "\(asked)")
            }
        }
        #expect(kinds == ["added", "removed", "changed"], "the script exercised every kind")

        return (head, try ledger.diff(from: .seq(0), to: .seq(head / 2), limit: Limits.pageSizeMax))
    }

    @Test("a diff reads its version boundaries by index ranges alone (the seq indexes, or the record's version indexes)")
    func diffsUseIndexes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        for sql in [true, false].flatMap({ byRecord in [true, false].map { Projection.boundariesQuery(byRecord: byRecord, byType: $0) } }) {
            let plan = try ledger.projection.db.statement("EXPLAIN QUERY PLAN " + sql)
            defer { plan.reset() }
            var steps: [String] = []
            while try plan.step() { steps.append(plan.string(3)) }
            #expect(!steps.contains { $0.hasPrefix("SCAN link_versions") || $0.hasPrefix("SCAN records") }, "\(steps)")
            #expect(steps.contains { $0.hasPrefix("SEARCH link_versions USING") && $0.contains("INDEX versions_by_") }, "\(steps)")
            #expect(steps.filter { $0.hasPrefix("SEARCH link_versions") }.allSatisfy { $0.contains("COVERING INDEX") }, "\(steps)")
        }
    }

    @Test("a diff paged while commits land stays on the seqs of its first page")
    func pagingIsStableUnderAppends() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        for operations in DiffWorld.script(seed: 7, commits: 60) { _ = try ledger.commit(operations, metadata: metadata()) }
        let now = Timestamp(rfc3339: "2999-01-01T00:00:00Z")!
        let whole = try ledger.diff(from: .seq(1), to: .time(now), limit: Limits.pageSizeMax)
        var page = try ledger.diff(from: .seq(1), to: .time(now), limit: 2)
        var walked = page.differences
        for operations in DiffWorld.script(seed: 8, commits: 30).dropFirst() { _ = try ledger.commit(operations, metadata: metadata()) }
        while let next = page.next {
            page = try ledger.diff(from: .seq(1), to: .time(now), limit: 2, after: next)
            #expect(page.toSeq == whole.toSeq)
            walked += page.differences
        }
        #expect(walked == whole.differences)
        #expect(!walked.isEmpty)
    }

    @Test("a diff's unknown type, unknown record type, bad cursor and page size are refused")
    func refusals() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        for operations in DiffWorld.script(seed: 9, commits: 10) { _ = try ledger.commit(operations, metadata: metadata()) }
        let cases: [(LedgerError.Code, () throws(LedgerError) -> LinkDiff)] = [
            (.unknownRelationshipType, { () throws(LedgerError) in try ledger.diff(from: .seq(0), to: .seq(5), type: .id("rt_nope")) }),
            (.unknownObjectType, { () throws(LedgerError) in try ledger.diff(from: .seq(0), to: .seq(5), record: RecordRef(type: "ordr", id: "x")) }),
            (.invalidField, { () throws(LedgerError) in try ledger.diff(from: .seq(0), to: .seq(5), after: "d0.5.99.1.1") }),
            (.invalidField, { () throws(LedgerError) in try ledger.diff(from: .seq(0), to: .seq(5), after: "r1.0.1.1") }),
            (.invalidField, { () throws(LedgerError) in try ledger.diff(from: .seq(0), to: .seq(5), limit: 0) }),
            (.invalidField, { () throws(LedgerError) in try ledger.diff(from: .seq(0), to: .seq(5), limit: Limits.pageSizeMax + 1) }),
        ]
        for (code, diff) in cases {
            #expect(throws: LedgerError.self) { try diff() }
            do { _ = try diff() } catch { #expect(error.code == code) }
        }
    }
}
