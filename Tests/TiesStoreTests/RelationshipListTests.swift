import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

// Properties of filtered, paged relationship lists: every page walk, at any
// page size, concatenates to the one-page answer; that answer is exactly
// what a naive model lists for each direction and type filter at every
// seq, in the documented order; and a listing paged while commits land
// stays on the state of its first page.

/// A small world where links collide, records sit on both sides of a type
/// (`nests`: order → order, self links included), and types change.
private enum ListWorld {
    static let placed = RelationshipTypeKey.personToCo(role: "placed", objectType: "order")
    static let owns = RelationshipTypeKey.personToCo(role: "owns", objectType: "order")
    static let contains = RelationshipTypeKey.coToCo(role: "contains", parent: "order", child: "item")
    static let nests = RelationshipTypeKey.coToCo(role: "nests", parent: "order", child: "order")
    static let keys = [placed, owns, contains, nests]
    static let ids: [String: [String]] = ["person": ["p0", "p1", "p2"], "order": ["o0", "o1", "o2", "o3"], "item": ["i0", "i1"]]
    static var records: [RecordRef] { ids.keys.sorted().flatMap { type in ids[type]!.map { RecordRef(type: type, id: $0) } } }

    static func setUp() -> [Operation] {
        [Op.define("order"), Op.define("item"), Op.register(placed, bidirectional: true), Op.register(owns, inverseRole: "owned_by"),
         Op.register(contains, inverseRole: "in"), Op.register(nests)]
    }
}

/// The links of every seq, kept naively: what each commit left.
private struct ListModel {
    var linksAt: [Int64: Set<LinkKey>] = [0: []]
    var bidirectionalAt: [Int64: Set<String>] = [0: []]
    /// Records in the order a link event first named them (from, then to):
    /// the order the ledger interns them in.
    var firstSeen: [RecordRef: Int] = [:]
    var types: [String: RelationshipType] = [:]

    mutating func record(_ commits: [ScannedCommit]) {
        var links: Set<LinkKey> = []
        var bidirectional: Set<String> = []
        for commit in commits {
            for (index, event) in commit.commit.events.enumerated() {
                switch event {
                case .relationshipTypeRegistered(let type):
                    types[type.id] = type
                    if type.bidirectional { bidirectional.insert(type.id) }
                case .relationshipTypeUpdated(let id, let change):
                    types[id] = change.applied(to: types[id]!)
                    if let on = change.bidirectional { if on { bidirectional.insert(id) } else { bidirectional.remove(id) } }
                case .linked(let key, _, _), .attributesChanged(let key, _, _, _):
                    for record in [key.from, key.to] where firstSeen[record] == nil { firstSeen[record] = firstSeen.count }
                    links.insert(key)
                case .unlinked(let key, _):
                    links.remove(key)
                case .objectTypeDefined, .recordUpserted, .recordErased:
                    break
                }
                let seq = commit.commit.firstSeq + Int64(index)
                if seq == commit.commit.lastSeq {
                    linksAt[seq] = links
                    bidirectionalAt[seq] = bidirectional
                }
            }
        }
    }

    /// The last whole commit at or before `seq`.
    func state(at seq: Int64) -> Int64 { linksAt.keys.filter { $0 <= seq }.max()! }

    /// What a listing holds, in listing order: (direction, type, from, to).
    func listing(of record: RecordRef, at seq: Int64, type: String?, direction: LinkDirection?) -> [ListedLink] {
        let links = linksAt[state(at: seq)]!.filter { type == nil || $0.typeId == type }
        let outbound = direction != .inbound ? links.filter { $0.from == record }.map { ListedLink($0, .forward) } : []
        let inbound = direction == nil
            ? links.filter { $0.to == record && bidirectionalAt[state(at: seq)]!.contains($0.typeId) }.map { ListedLink($0, .inverse) }
            : direction == .outbound ? [] : links.filter { $0.to == record }.map { ListedLink($0, .inverse) }
        func order(_ a: ListedLink, _ b: ListedLink) -> Bool {
            if a.typeId != b.typeId { return utf8Less(a.typeId, b.typeId) }
            return firstSeen[a.other]! < firstSeen[b.other]!
        }
        return outbound.sorted(by: order) + inbound.sorted(by: order)
    }
}

private struct ListedLink: Equatable, CustomStringConvertible {
    var direction: LinkView.Direction
    var typeId: String
    var from: RecordRef
    var to: RecordRef

    init(_ key: LinkKey, _ direction: LinkView.Direction) {
        self.direction = direction
        typeId = key.typeId
        from = key.from
        to = key.to
    }

    init(_ view: LinkView) {
        direction = view.direction
        typeId = view.type.id
        from = view.from
        to = view.to
    }

    var other: RecordRef { direction == .forward ? to : from }
    var description: String { "\(direction.rawValue) \(typeId) \(from) → \(to)" }
}

/// Walks every page of a listing with page sizes drawn from `sizes`;
/// returns the links and the seqs each page answered as of.
private func walk(_ ledger: Ledger, _ record: RecordRef, asOf point: AsOf?, filter: RelationshipFilter,
                  sizes: inout SplitMix64, largest: Int) throws -> (links: [LinkView], seqs: Set<Int64>, pages: Int) {
    var links: [LinkView] = []
    var seqs: Set<Int64> = []
    var cursor: String?
    var pages = 0
    repeat {
        let limit = 1 + sizes.below(largest)
        let page = try ledger.relationships(of: record, asOf: point, filter: filter, limit: limit, after: cursor)
        #expect(page.links.count == limit || page.next == nil, "a page short of its limit is the last")
        #expect(page.next == nil || !page.links.isEmpty)
        links += page.links
        seqs.insert(page.seq)
        cursor = page.next
        pages += 1
    } while cursor != nil && pages <= 1000
    return (links, seqs, pages)
}

@Suite("relationship lists")
struct RelationshipListTests {
    /// A new ledger with the world's types (one commit).
    private static func worldLedger() throws -> (TemporaryDirectory, Ledger) {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit(ListWorld.setUp(), metadata: metadata())
        return (directory, ledger)
    }

    /// A random script: links, unlinks, attribute changes and bidirectional
    /// switches, one operation a commit.
    private static func script(seed: UInt64, commits: Int) -> [Operation] {
        var random = SplitMix64(seed: seed)
        var linked: Set<[String]> = []
        var operations: [Operation] = []
        for _ in 0..<commits {
            let key = random.pick(ListWorld.keys)
            let from = random.pick(ListWorld.ids[key.fromType]!)
            let to = random.pick(ListWorld.ids[key.toType]!)
            let name = [key.description, from, to]
            switch random.below(10) {
            case 0 where key == ListWorld.placed:
                operations.append(Op.register(key, bidirectional: random.chance(50)))
            case 1 where linked.contains(name), 2 where linked.contains(name):
                operations.append(Op.unlink(key, from, to))
                linked.remove(name)
            case 3 where linked.contains(name):
                operations.append(Op.setAttributes(key, from, to, set: ["n": .int(Int64(random.below(5)))]))
            default:
                operations.append(Op.link(key, from, to, ["n": .int(Int64(random.below(5)))]))
                linked.insert(name)
            }
        }
        return operations
    }

    @Test("pages of every size concatenate to the one-page answer, which is the model's listing for every direction, type and seq",
          arguments: [UInt64(1), 2, 3])
    func pagesMatchTheModel(seed: UInt64) throws {
        let (directory, ledger) = try Self.worldLedger()
        defer { directory.cleanUp() }
        for operation in Self.script(seed: seed, commits: 160) { _ = try ledger.commit([operation], metadata: metadata()) }
        var model = ListModel()
        model.record(try readWholeLog(ledger))
        let filters: [(RelationshipTypeReference?, String?)] = [(nil, nil)]
            + ListWorld.keys.map { key in (RelationshipTypeReference.key(key), model.types.values.first { $0.key == key }!.id) }
            + [(.id(model.types.values.first { $0.key == ListWorld.nests }!.id), model.types.values.first { $0.key == ListWorld.nests }!.id)]
        var random = SplitMix64(seed: seed).derived(0x9A6E)
        let head = ledger.headSeq
        for seq in [nil] + (0..<12).map({ _ in Int64(random.below(Int(head) + 2)) }) as [Int64?] {
            for record in ListWorld.records {
                for direction in [nil] + LinkDirection.allCases as [LinkDirection?] {
                    for (reference, typeId) in filters {
                        let filter = RelationshipFilter(type: reference, direction: direction)
                        let asked = "\(record) as of \(seq.map(String.init) ?? "now") \(direction?.rawValue ?? "default") \(reference?.description ?? "all")"
                        let whole = try ledger.relationships(of: record, asOf: seq.map(AsOf.seq), filter: filter, limit: Limits.pageSizeMax)
                        #expect(whole.next == nil, "\(asked)")
                        let expected = model.listing(of: record, at: seq ?? head, type: typeId, direction: direction)
                        #expect(whole.links.map(ListedLink.init) == expected, "\(asked)")
                        let walked = try walk(ledger, record, asOf: seq.map(AsOf.seq), filter: filter, sizes: &random, largest: 4)
                        #expect(walked.links == whole.links, "\(asked)")
                        #expect(walked.seqs == [whole.seq], "\(asked)")
                    }
                }
            }
        }
    }

    @Test("each link is labelled from the record's side: the role, or the inverse role on the to side when the type has one")
    func labels() throws {
        let (directory, ledger) = try Self.worldLedger()
        defer { directory.cleanUp() }
        _ = try ledger.commit([Op.link(ListWorld.owns, "p0", "o0"), Op.link(ListWorld.placed, "p0", "o0"), Op.link(ListWorld.nests, "o0", "o0")],
                              metadata: metadata())
        let both = RelationshipFilter(direction: .both)
        let person = try ledger.relationships(of: person("p0"), filter: both).links
        #expect(person.allSatisfy { $0.direction == .forward && $0.label == $0.type.key.role } && person.count == 2)
        let order = try ledger.relationships(of: record("order", "o0"), filter: both).links
        let labels = Dictionary(grouping: order, by: \.direction).mapValues { Set($0.map(\.label)) }
        #expect(labels[.forward] == ["nests"])
        #expect(labels[.inverse] == ["owned_by", "placed", "nests"])
        let history = try ledger.history(of: record("order", "o0")).entries
        #expect(Set(history.compactMap(\.label)) == ["owned_by", "placed", "nests"])
        #expect(try ledger.events(after: 0, limit: 10).allSatisfy { $0.label == nil }, "the change feed has no record's side")
    }

    @Test("a listing paged while commits land stays on the state of its first page, as of now and as of a seq")
    func pagingIsStableUnderAppends() throws {
        let (directory, ledger) = try Self.worldLedger()
        defer { directory.cleanUp() }
        _ = try ledger.commit(["p0", "p1"].flatMap { who in (0..<30).map { Op.link(ListWorld.placed, who, "o\($0)") } }, metadata: metadata())
        let reader = try Ledger.open(at: directory.path, access: .read)
        for (who, point) in [("p0", nil), ("p1", AsOf.seq(ledger.headSeq))] as [(String, AsOf?)] {
            let whole = try reader.readingConsistently { ledger throws(LedgerError) in try ledger.relationships(of: person(who), asOf: point, limit: 1000) }
            #expect(whole.links.count == 30)
            var page = try reader.readingConsistently { ledger throws(LedgerError) in try ledger.relationships(of: person(who), asOf: point, limit: 7) }
            var links = page.links
            var pages = 1
            while let next = page.next {
                // A link not read yet goes, one read already goes, a new one comes.
                _ = try ledger.commit([Op.unlink(ListWorld.placed, who, "o\(30 - pages)"), Op.unlink(ListWorld.placed, who, "o\(pages - 1)"),
                                       Op.link(ListWorld.placed, who, "new\(pages)")], metadata: metadata())
                page = try reader.readingConsistently { ledger throws(LedgerError) in try ledger.relationships(of: person(who), limit: 7, after: next) }
                #expect(page.seq == whole.seq)
                links += page.links
                pages += 1
            }
            #expect(links == whole.links)
            #expect(pages == 5)
        }
    }

    @Test("a page is read by index ranges: the current links by their keys, past versions by node, never a scan or a sort of a record's links",
          arguments: [LinkSide.from, .to])
    func pagesUseIndexes(side: LinkSide) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        for sql in [Projection.currentQuery(side), Projection.versionsQuery(side, nodes: 3)] {
            let plan = try ledger.projection.db.statement("EXPLAIN QUERY PLAN " + sql)
            defer { plan.reset() }
            var steps: [String] = []
            while try plan.step() { steps.append(plan.string(3)) }
            #expect(!steps.contains { $0.hasPrefix("SCAN") && $0 != "SCAN c" }, "only the page itself is scanned: \(steps)")
            if sql.contains("UNION ALL") {
                #expect(steps.filter { $0.hasPrefix("SEARCH link_versions USING COVERING INDEX versions_by_") }.count == 3, "\(steps)")
                #expect(steps.contains { $0.contains("MERGE") }, "ordered arms are merged, not sorted: \(steps)")
            } else {
                #expect(!steps.contains { $0.contains("TEMP B-TREE") }, "\(steps)")
            }
        }
    }
}
