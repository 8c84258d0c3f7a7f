import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

/// A small story on a real ledger, one commit a minute from 10:00:
///
/// | seq | time  | commit |
/// |-----|-------|--------|
/// | 1–2 | 10:00 | define `order`, `line_item` (one commit, two events) |
/// | 3   | 10:01 | register placed/order, ONE_TO_MANY, bidirectional |
/// | 4   | 10:02 | register contains/order/line_item (not bidirectional) |
/// | 5   | 10:03 | link person:u1 → order:o1 {channel: web} |
/// | 6   | 10:04 | link order:o1 → line_item:li1 {qty: 2} |
/// | 7   | 10:05 | set status=returned, unset channel on u1 → o1 |
/// | 8   | 10:06 | unlink u1 → o1 |
/// | 9   | 10:07 | re-register contains as bidirectional (updated) |
final class Story {
    let directory: TemporaryDirectory
    let ledger: Ledger
    let placed: String
    let contains: String

    static let start = time("2026-01-01T10:00:00Z")
    static func at(minute: Int64) -> Timestamp { start.adding(milliseconds: minute * 60_000) }

    static let u1 = person("u1")
    static let o1 = record("order", "o1")
    static let li1 = record("line_item", "li1")
    static let records = [u1, o1, li1]

    init() throws {
        directory = try TemporaryDirectory()
        ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order", description: "A purchase"), Op.define("line_item")],
                              metadata: metadata("alice", reason: "setup"), now: Self.at(minute: 0))
        let placedReceipt = try ledger.commit([Op.register(Keys.placed, cardinality: .oneToMany, bidirectional: true)],
                                              metadata: metadata("alice", reason: "types"), now: Self.at(minute: 1))
        let containsReceipt = try ledger.commit([Op.register(Keys.contains)], metadata: metadata("alice"), now: Self.at(minute: 2))
        placed = try #require(typeID(placedReceipt))
        contains = try #require(typeID(containsReceipt))
        _ = try ledger.commit([Op.link(Keys.placed, "u1", "o1", ["channel": .string("web")])],
                              metadata: metadata("bob", reason: "order placed"), now: Self.at(minute: 3))
        _ = try ledger.commit([Op.link(Keys.contains, "o1", "li1", ["qty": .int(2)])], metadata: metadata("bob"), now: Self.at(minute: 4))
        _ = try ledger.commit([Op.setAttributes(Keys.placed, "u1", "o1", set: ["status": .string("returned")], unset: ["channel"])],
                              metadata: metadata("carol", reason: "returned"), now: Self.at(minute: 5))
        _ = try ledger.commit([Op.unlink(Keys.placed, "u1", "o1")], metadata: metadata("dave", reason: "gdpr"), now: Self.at(minute: 6))
        _ = try ledger.commit([Op.register(Keys.contains, bidirectional: true)], metadata: metadata("alice"), now: Self.at(minute: 7))
    }

    /// What `show RECORD --as-of N` must answer, written out by hand.
    func expectedRows(_ record: RecordRef, atSeq seq: Int64) -> [LinkRow] {
        let web: Attributes = ["channel": .string("web")]
        let returned: Attributes = ["status": .string("returned")]
        func placedRow(_ direction: LinkView.Direction, _ attributes: Attributes, version: Int64) -> LinkRow {
            LinkRow(typeId: placed, direction: direction, from: Self.u1, to: Self.o1, attributes: attributes,
                    linkedSeq: 5, linkedAt: Self.at(minute: 3), versionSeq: version, versionAt: Self.at(minute: version - 2))
        }
        func containsRow(_ direction: LinkView.Direction) -> LinkRow {
            LinkRow(typeId: contains, direction: direction, from: Self.o1, to: Self.li1, attributes: ["qty": .int(2)],
                    linkedSeq: 6, linkedAt: Self.at(minute: 4), versionSeq: 6, versionAt: Self.at(minute: 4))
        }
        var rows: [LinkRow] = []
        switch record {
        case Self.u1:
            if seq == 5 || seq == 6 { rows.append(placedRow(.forward, web, version: 5)) }
            if seq == 7 { rows.append(placedRow(.forward, returned, version: 7)) }
        case Self.o1:
            if seq >= 6 { rows.append(containsRow(.forward)) }
            if seq == 5 || seq == 6 { rows.append(placedRow(.inverse, web, version: 5)) }
            if seq == 7 { rows.append(placedRow(.inverse, returned, version: 7)) }
        case Self.li1:
            if seq >= 9 { rows.append(containsRow(.inverse)) }
        default:
            break
        }
        return LinkRow.sorted(rows)
    }
}

@Suite("Round trip: commit, show, as-of and history")
struct RoundTripTests {
    @Test("commits get consecutive seqs and receipts say which")
    func commitsGetConsecutiveSeqs() throws {
        let story = try Story()
        #expect(story.ledger.headSeq == 9)
        let commits = try readWholeLog(story.ledger)
        #expect(commits.map(\.commit.firstSeq) == [1, 3, 4, 5, 6, 7, 8, 9])
        #expect(commits.map(\.commit.lastSeq) == [2, 3, 4, 5, 6, 7, 8, 9])
        #expect(commits.last?.sealed.hash == story.ledger.headHash)
        expectIntactChain(commits)
        let names = commits.flatMap { $0.commit.events.map(\.name) }
        #expect(names == ["objectType.defined", "objectType.defined", "relationshipType.registered", "relationshipType.registered",
                          "relationship.linked", "relationship.linked", "relationship.attributesChanged", "relationship.unlinked",
                          "relationshipType.updated"])
        let receipt = try story.ledger.commit([Op.link(Keys.placed, "u2", "o2")], metadata: metadata(), now: Story.at(minute: 8))
        #expect(receipt.firstSeq == 10 && receipt.lastSeq == 10)
        #expect(receipt.hash == story.ledger.headHash)
        let noop = try story.ledger.commit([Op.link(Keys.placed, "u2", "o2")], metadata: metadata(), now: Story.at(minute: 9))
        #expect(noop.firstSeq == nil && noop.lastSeq == nil && noop.hash == nil)
        #expect(noop.results == [.link(LinkKey(typeId: story.placed, from: person("u2"), to: record("order", "o2")), created: false, changed: false)])
        #expect(story.ledger.headSeq == 10)
    }

    @Test("show now lists forward links and inverse links of bidirectional types")
    func showNow() throws {
        let story = try Story()
        for record in Story.records {
            let now = try story.ledger.relationships(of: record)
            #expect(now.seq == 9)
            #expect(now.at == Story.at(minute: 7))
            #expect(rows(now) == story.expectedRows(record, atSeq: 9), "\(record)")
        }
        let unknown = try story.ledger.relationships(of: person("nobody"))
        #expect(unknown.links.isEmpty && unknown.seq == 9)
    }

    @Test("show as of every seq is the state after the last whole commit at or before it")
    func showAsOfEverySeq() throws {
        let story = try Story()
        let wholeCommitAt: [Int64: Int64] = [0: 0, 1: 0, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9]
        // A seq beyond the head is a mistake, not "now".
        for beyond: Int64 in [10, 1_000] {
            do {
                _ = try story.ledger.relationships(of: Story.u1, asOf: .seq(beyond))
                Issue.record("as of \(beyond) answered")
            } catch {
                #expect(error.code == .invalidAsOf && error.details["headSeq"] == .int(9))
            }
        }
        for (asOf, seq) in wholeCommitAt.sorted(by: { $0.key < $1.key }) {
            for record in Story.records {
                let answer = try story.ledger.relationships(of: record, asOf: .seq(asOf))
                #expect(answer.seq == seq, "as of \(asOf)")
                #expect(answer.at == (seq == 0 ? nil : Story.at(minute: seq == 2 ? 0 : seq - 2)), "as of \(asOf)")
                #expect(rows(answer) == story.expectedRows(record, atSeq: seq), "\(record) as of \(asOf)")
            }
        }
    }

    @Test("a type that became bidirectional lists inverse links only from that seq on")
    func bidirectionalAsOfItsSeq() throws {
        let story = try Story()
        #expect(try story.ledger.relationships(of: Story.li1, asOf: .seq(8)).links.isEmpty)
        let nine = try story.ledger.relationships(of: Story.li1, asOf: .seq(9))
        #expect(nine.links.map(\.direction) == [.inverse])
        #expect(nine.links.first?.from == Story.o1)
        _ = try story.ledger.commit([Op.register(Keys.contains, bidirectional: false)], metadata: metadata(), now: Story.at(minute: 8))
        #expect(try story.ledger.relationships(of: Story.li1).links.isEmpty)
        #expect(try story.ledger.relationships(of: Story.li1, asOf: .seq(9)).links.count == 1)
    }

    @Test("as-of by RFC 3339 time picks the last commit at or before it")
    func showAsOfTime() throws {
        let story = try Story()
        let cases: [(String, Int64)] = [
            ("2026-01-01T09:59:59.999Z", 0),
            ("2025-06-01T00:00:00Z", 0),
            ("2026-01-01T10:00:00Z", 2),
            ("2026-01-01T10:02:59.999Z", 4),
            ("2026-01-01T10:03:00Z", 5),
            ("2026-01-01T10:03:30Z", 5),
            ("2026-01-01T12:03:30+02:00", 5),
            ("2026-01-01T05:05:00.5-05:00", 7),
            ("2026-01-01T10:06:59Z", 8),
            ("2030-01-01T00:00:00Z", 9),
        ]
        for (text, seq) in cases {
            let point = try #require(AsOf(parsing: text), "\(text)")
            #expect(point == .time(time(text)))
            let answer = try story.ledger.relationships(of: Story.u1, asOf: point)
            #expect(answer.seq == seq, "as of \(text)")
            #expect(rows(answer) == story.expectedRows(Story.u1, atSeq: seq), "as of \(text)")
            if seq == 0 {
                #expect(answer.at == nil && answer.links.isEmpty)
            } else {
                #expect(answer.at.map { $0 <= time(text) } == true, "as of \(text)")
            }
        }
        #expect(AsOf(parsing: "5") == .seq(5))
        #expect(AsOf(parsing: "") == nil)
        #expect(AsOf(parsing: "yesterday") == nil)
        #expect(AsOf(parsing: "2026-13-01T00:00:00Z") == nil)
    }

    @Test("commit times never go backwards, even when the clock does")
    func commitTimesAreNonDecreasing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var ledger: Ledger? = try makeLedger(in: directory.path)
        let ten = time("2026-03-01T10:00:00Z")
        let first = try #require(ledger).commit([Op.define("order")], metadata: metadata(), now: ten)
        let second = try #require(ledger).commit([Op.define("account")], metadata: metadata(), now: time("2026-03-01T09:00:00Z"))
        #expect(first.at == ten)
        #expect(second.at == ten)
        // Both commits are "at or before" 10:00, so as of 10:00 is seq 2.
        #expect(try #require(ledger).relationships(of: person("x"), asOf: .time(ten)).seq == 2)
        #expect(try #require(ledger).relationships(of: person("x"), asOf: .time(ten.adding(milliseconds: -1))).seq == 0)
        ledger = nil
        // The last commit time survives a reopen.
        ledger = try Ledger.open(at: directory.path, access: .write)
        let third = try #require(ledger).commit([Op.define("household")], metadata: metadata(), now: time("2020-01-01T00:00:00Z"))
        #expect(third.at == ten)
        let later = time("2026-03-01T10:00:00.001Z")
        let fourth = try #require(ledger).commit([Op.define("line_item")], metadata: metadata(), now: later)
        #expect(fourth.at == later)
        let times = try readWholeLog(try #require(ledger)).map(\.commit.at)
        #expect(times == [ten, ten, ten, later])
        #expect(try #require(ledger).stats().lastCommitAt == later)
    }

    @Test("history lists a record's events newest first with seq, time, actor and reason")
    func historyNewestFirst() throws {
        let story = try Story()
        let key = LinkKey(typeId: story.placed, from: Story.u1, to: Story.o1)
        let page = try story.ledger.history(of: Story.u1)
        #expect(page.next == nil)
        #expect(page.entries.map(\.seq) == [8, 7, 5])
        #expect(page.entries.map(\.commitSeq) == [8, 7, 5])
        #expect(page.entries.map(\.actor) == ["dave", "carol", "bob"])
        #expect(page.entries.map(\.reason) == ["gdpr", "returned", "order placed"])
        #expect(page.entries.map(\.at) == [Story.at(minute: 6), Story.at(minute: 5), Story.at(minute: 3)])
        #expect(page.entries.map(\.event) == [
            .unlinked(key),
            .attributesChanged(key, set: ["status": .string("returned")], unset: ["channel"]),
            .linked(key, attributes: ["channel": .string("web")]),
        ])
        let order = try story.ledger.history(of: Story.o1)
        #expect(order.entries.map(\.seq) == [8, 7, 6, 5])
        #expect(order.entries.map(\.reason) == ["gdpr", "returned", nil, "order placed"])
        #expect(try story.ledger.history(of: person("nobody")) == HistoryPage(record: person("nobody"), entries: [], next: nil))
    }

    @Test("history pages follow the cursor and the last page has none", arguments: 1...5)
    func historyPaging(limit: Int) throws {
        let story = try Story()
        let all = try story.ledger.history(of: Story.o1).entries
        #expect(all.count == 4)
        var collected: [HistoryEntry] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try story.ledger.history(of: Story.o1, limit: limit, after: cursor)
            pages += 1
            #expect(page.entries.count == min(limit, all.count - collected.count))
            collected += page.entries
            cursor = page.next
            #expect((cursor == nil) == (collected.count == all.count), "limit \(limit), page \(pages)")
        } while cursor != nil && pages < 10
        #expect(collected == all)
        #expect(pages == (all.count + limit - 1) / limit)
    }

    @Test("a cursor the ledger did not issue is invalid_field",
          arguments: ["", "x", "h", "h0", "h-1", "hx", "7", "h 5", "H5", "h9223372036854775808"])
    func badCursor(cursor: String) throws {
        let story = try Story()
        let error = expectLedgerError(.invalidField, "cursor '\(cursor)'") { try story.ledger.history(of: Story.o1, after: cursor) }
        #expect(error?.details["field"] == .string("after"))
    }

    @Test("a page size outside 1…1000 is invalid_field", arguments: [0, -1, Limits.pageSizeMax + 1, Int.min])
    func badLimit(limit: Int) throws {
        let story = try Story()
        let error = expectLedgerError(.invalidField) { try story.ledger.history(of: Story.o1, limit: limit) }
        #expect(error?.details["field"] == .string("limit"))
        #expect(try story.ledger.history(of: Story.o1, limit: Limits.pageSizeMax).entries.count == 4)
    }

    @Test("the catalog and stats describe what was committed")
    func catalogAndStats() throws {
        let story = try Story()
        let catalog = story.ledger.catalog
        #expect(catalog.objectTypes == [ObjectType(name: "line_item", description: nil), ObjectType(name: "order", description: "A purchase")])
        #expect(Set(catalog.relationshipTypes) == [
            RelationshipType(id: story.placed, key: Keys.placed, cardinality: .oneToMany, description: nil, bidirectional: true),
            RelationshipType(id: story.contains, key: Keys.contains, cardinality: nil, description: nil, bidirectional: true),
        ])
        let stats = try story.ledger.stats()
        #expect(stats.headSeq == 9)
        #expect(stats.headHash == story.ledger.headHash)
        #expect(stats.commits == 8)
        #expect(stats.objectTypes == 2)
        #expect(stats.relationshipTypes == 2)
        #expect(stats.currentLinks == 1)
        #expect(stats.linkVersions == 3)
        #expect(stats.lastCommitAt == Story.at(minute: 7))
        #expect(stats.logBytes == Int64(try Files.read(story.directory.file("log.jsonl")).count))
    }

    @Test("the log reader starts at the commit holding the seq asked for")
    func logReaderFromSeq() throws {
        let story = try Story()
        let all = try readWholeLog(story.ledger)
        // Up to the head: past it no commit holds the seq (`ties log` filters by `lastSeq`).
        for seq in Int64(0)...story.ledger.headSeq {
            let reader = try story.ledger.logReader(fromSeq: seq)
            var firstSeqs: [Int64] = []
            while let next = try reader.next() { firstSeqs.append(next.commit.firstSeq) }
            let expected = all.filter { $0.commit.lastSeq >= seq }.map(\.commit.firstSeq)
            #expect(firstSeqs == expected, "from seq \(seq)")
        }
    }

    @Test("a ledger is created once, and opening a missing one says so")
    func createAndOpenErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let missing = directory.file("nothing-here")
        expectLedgerError(.ledgerNotFound) { try Ledger.open(at: missing, access: .read) }
        try Ledger.create(at: missing)
        expectLedgerError(.ledgerExists) { try Ledger.create(at: missing) }
        let ledger = try Ledger.open(at: missing, access: .write)
        #expect(ledger.headSeq == 0)
        #expect(ledger.headHash == CommitCodec.genesisHash)
        #expect(try Files.read(LedgerLayout(directory: missing).log).isEmpty)
    }
}
