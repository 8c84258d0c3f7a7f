import Foundation
import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

/// Every page of a projection file and of its snapshots ends with a
/// checksum (`PageChecksumVFS`): bytes changed inside a page that SQLite
/// would read as valid are refused with `ledger_damaged` naming the file
/// and the page, never answered.
@Suite("Page checksums")
struct PageChecksumTests {
    /// Expected values computed by an independent implementation, in
    /// Python (`struct.unpack('<…I')`, two running sums from the page number).
    @Test("a page's checksum is the one an independent implementation computes",
          arguments: [(4096, 1, false, "89f3ca1659f3218a"), (4096, 3, true, "0c2979a671589932"), (512, 2, true, "ae816fc6ccfe59e6")])
    func checksumMatchesTheReference(size: Int, pageNumber: Int64, patterned: Bool, expected: String) {
        var page = (0..<size).map { patterned ? UInt8(($0 * 7 + 1) % 256) : 0 }
        page.withUnsafeMutableBytes { PageChecksum.seal($0.baseAddress!, count: size, offset: (pageNumber - 1) * Int64(size)) }
        #expect(Hex.encode(Array(page.suffix(8))) == expected)
        page.withUnsafeBytes { bytes in
            #expect(PageChecksum.matches(bytes.baseAddress!, count: size, offset: (pageNumber - 1) * Int64(size)))
            #expect(!PageChecksum.matches(bytes.baseAddress!, count: size, offset: pageNumber * Int64(size)), "at another page's place")
        }
    }

    @Test("checking a copy's pages leaves out the page SQLite locks at byte 2³⁰ and never writes, and finds one that fails after it")
    func theLockBytePageIsLeftOut() {
        let pageSize = 4096, pages = 4
        let offset = PageChecksum.lockByteOffset - Int64(pageSize)  // The chunk's second page holds the lock byte.
        var chunk = [UInt8](repeating: 7, count: pageSize * pages)
        chunk.withUnsafeMutableBytes { bytes in
            for page in 0..<pages { PageChecksum.seal(bytes.baseAddress! + page * pageSize, count: pageSize, offset: offset + Int64(page * pageSize)) }
        }
        chunk.replaceSubrange(pageSize..<2 * pageSize, with: repeatElement(0, count: pageSize))  // A hole: zeros, no checksum.
        #expect(PageChecksum.firstFailingPage(in: chunk, at: offset, pageSize: pageSize) == nil)
        chunk[3 * pageSize + 10] ^= 1
        #expect(PageChecksum.firstFailingPage(in: chunk, at: offset, pageSize: pageSize) == (offset + Int64(3 * pageSize)) / Int64(pageSize) + 1)
    }

    @Test("a projection, one built from the log and a snapshot reserve 8 bytes a page, and every page carries its checksum")
    func everyFileOfTheProjectionIsSealed() throws {
        let story = try Story()
        try story.ledger.takeSnapshot()
        _ = try story.ledger.rebuild(full: true)
        story.ledger.close()
        let snapshot = try #require(try SnapshotStore(layout: LedgerLayout(directory: story.directory.path)).files().first?.path)
        for path in [story.directory.file("projection.sqlite"), snapshot] { try expectEveryPageSealed(path, pagesAtLeast: 5) }
    }

    @Test("a new file's pages written before its page 1 (a first transaction larger than the page cache; VACUUM INTO, as a snapshot is taken) are sealed")
    func pagesSpilledBeforePageOneAreSealed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("new.sqlite"), copy = directory.file("copy.sqlite")
        let db = try SQLiteConnection(path: path, pageChecksums: true)
        // A cache of 10 pages (VACUUM INTO gives its copy the same): SQLite spills pages as they fill.
        try db.execute("PRAGMA journal_mode=OFF; PRAGMA cache_size=10")
        try db.execute("""
            BEGIN; CREATE TABLE t (v TEXT);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO t SELECT printf('%0400d', i) FROM n;
            COMMIT
            """)
        try db.execute("VACUUM INTO '\(SQLiteConnection.uriWithPageChecksums(copy))'")
        db.close()
        for file in [path, copy] { try expectEveryPageSealed(file, pagesAtLeast: 300) }
    }

    /// The file reserves 8 bytes a page and every page ends with its checksum.
    private func expectEveryPageSealed(_ path: String, pagesAtLeast: Int) throws {
        let bytes = try Files.read(path)
        let pageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        #expect(bytes[20] == 8, "\(path) reserves \(bytes[20]) bytes a page")
        #expect(bytes.count % pageSize == 0 && bytes.count / pageSize >= pagesAtLeast, "\(path): \(bytes.count) bytes")
        let failing = bytes.withUnsafeBytes { file in
            stride(from: 0, to: bytes.count, by: pageSize).filter {
                !PageChecksum.matches(file.baseAddress! + $0, count: pageSize, offset: Int64($0))
            }
        }
        #expect(failing.isEmpty, "\(path): pages at offsets \(failing.prefix(10)) fail their checksums")
    }

    @Test("one byte of a stored value changed: the query that reads its page fails with ledger_damaged naming the file and page; rebuild repairs it")
    func aChangedValueIsRefusedNotAnswered() throws {
        let (story, answers, path) = try closedStory()
        var at = 0
        try change(path) { bytes in
            // `{"qty":2}` on o1 → li1, in the links table's page: SQLite alone would read `{"qty":3}`.
            at = try #require(bytes.indices.first { bytes[$0...].starts(with: Array(#"{"qty":2}"#.utf8)) })
            bytes[at + 7] = UInt8(ascii: "3")
        }
        let ledger = try Ledger.open(at: story.directory.path, access: .write)
        let page = Int64(at / 4096 + 1)
        #expect {
            _ = try ledger.relationships(of: Story.li1)
        } throws: { error in
            let error = error as? LedgerError
            return error?.code == .ledgerDamaged && error?.details["page"] == .int(page)
                && error?.details["file"] == .string(path) && error?.message.contains("page \(page) fails its checksum") == true
        }
        _ = try ledger.rebuild(full: true)
        #expect(try Answers(ledger, records: Story.records) == answers)
        ledger.close()
    }

    @Test("a byte changed in an overflow page (a link's attributes longer than a page) is refused too: this SQLite reads overflow pages whole")
    func anOverflowPageIsChecked() throws {
        let long: Attributes = ["a": .string(String(repeating: "a", count: 4_000)), "z": .string(String(repeating: "z", count: 3_990) + "tail-marker")]
        let (story, _, path) = try closedStory { ledger in
            _ = try ledger.commit([Op.link(Keys.placed, "u9", "o9", long)], metadata: metadata(), now: Story.at(minute: 9))
        }
        try change(path) { bytes in
            let copies = bytes.indices.filter { bytes[$0...].starts(with: Array("tail-marker".utf8)) }
            #expect(!copies.isEmpty)
            for at in copies { bytes[at] = UInt8(ascii: "T") }
        }
        let ledger = try Ledger.open(at: story.directory.path, access: .write)
        defer { ledger.close() }
        #expect {
            _ = try ledger.relationships(of: person("u9"))
        } throws: { error in
            (error as? LedgerError)?.code == .ledgerDamaged && (error as? LedgerError)?.message.contains("fails its checksum") == true
        }
    }

    @Test("a header that no longer reserves the checksum bytes (byte 20 set to 0) is damage: the writer's open rebuilds, and answers as before")
    func aHeaderWithoutTheReserveIsRebuilt() throws {
        let (story, answers, path) = try closedStory()
        try change(path) { $0[20] = 0 }
        try expectTheOpenRebuilds(story, warning: "reserves no bytes for page checksums", answers: answers)
    }

    @Test("damage to a page the writer's open reads (meta): the open rebuilds the projection with a warning, and answers as before")
    func damageTheOpenReadsIsRebuilt() throws {
        let (story, answers, path) = try closedStory()
        let (meta, _) = try rootPages(of: ["meta", "meta"], in: path)
        try change(path) { $0[Int(meta - 1) * 4096 + 2000] ^= 0x01 }
        try expectTheOpenRebuilds(story, warning: "page \(meta) fails its checksum", answers: answers)
    }

    @Test("a page that fails its checksum in an attached database is reported with that database's file and page")
    func anAttachedFileIsNamed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let sealed = directory.file("sealed.sqlite")
        let writer = try SQLiteConnection(path: sealed, pageChecksums: true)
        try writer.execute("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('a value of its own')")
        writer.close()
        var at = 0
        try change(sealed) { bytes in
            at = try #require(bytes.indices.first { bytes[$0...].starts(with: Array("of its own".utf8)) })
            bytes[at] = UInt8(ascii: "O")
        }
        let main = try SQLiteConnection(path: directory.file("main.sqlite"))
        defer { main.close() }
        try main.execute("ATTACH DATABASE '\(sealed)' AS src")
        #expect {
            try main.execute("SELECT count(*) FROM src.t")
        } throws: { error in
            let error = error as? LedgerError
            return error?.code == .ledgerDamaged && error?.details["file"] == .string(sealed) && error?.details["page"] == .int(Int64(at / 4096 + 1))
        }
    }

    @Test("a whole valid page written over another page's place fails that page's checksum")
    func aPageInAnotherPlaceFails() throws {
        let (story, _, path) = try closedStory()
        let (links, versions) = try rootPages(of: ["links", "link_versions"], in: path)
        try change(path) { bytes in
            bytes.replaceSubrange(Int(versions - 1) * 4096..<Int(versions) * 4096, with: bytes[Int(links - 1) * 4096..<Int(links) * 4096])
        }
        let report = try Verifier.verify(directory: story.directory.path)
        #expect(report.problems.contains { $0.message.contains("page \(versions) fails its checksum") }, "\(report.problems)")
    }

    @Test("restoring the projection from a snapshot checks every page as it copies: one that fails skips the snapshot, with a warning naming the page, and leaves no copy")
    func aSnapshotPageThatFailsIsFoundAsItIsCopied() throws {
        let (story, answers, path) = try closedStory { ledger in try ledger.takeSnapshot() }
        let snapshot = try #require(try SnapshotStore(layout: LedgerLayout(directory: story.directory.path)).files().first?.path)
        let lastPage = try Files.read(snapshot).count / 4096
        try change(snapshot) { $0[(lastPage - 1) * 4096 + 100] ^= 0x40 }
        try FileManager.default.removeItem(atPath: path)

        let warnings = WarningLog()
        let ledger = try Ledger.open(at: story.directory.path, access: .write, warn: warnings.sink)
        defer { ledger.close() }
        let skipped = warnings.messagesBesidesMissingProjection
        #expect(skipped.count == 1 && skipped[0].contains("skipped: page \(lastPage) fails its checksum"), "\(skipped)")
        #expect(try Answers(ledger, records: Story.records) == answers)
        let left = try FileManager.default.contentsOfDirectory(atPath: story.directory.path).filter { $0.hasPrefix("projection-building") }
        #expect(left.isEmpty, "\(left)")
    }

    /// The story (and what `more` commits), its answers, its ledger closed,
    /// and the path of its projection.
    private func closedStory(more: (Ledger) throws -> Void = { _ in }) throws -> (Story, Answers, String) {
        let story = try Story()
        try more(story.ledger)
        let answers = try Answers(story.ledger, records: Story.records)
        story.ledger.close()
        return (story, answers, story.directory.file("projection.sqlite"))
    }

    /// Changes the file's bytes in place.
    private func change(_ path: String, _ body: (inout [UInt8]) throws -> Void) throws {
        var bytes = try Files.read(path)
        try body(&bytes)
        try Files.write(path, bytes)
    }

    /// The writer's open warns once, with `warning`, and then answers as before.
    private func expectTheOpenRebuilds(_ story: Story, warning: String, answers: Answers) throws {
        let warnings = WarningLog()
        let ledger = try Ledger.open(at: story.directory.path, access: .write, warn: warnings.sink)
        defer { ledger.close() }
        #expect(warnings.messages.count == 1 && warnings.messages[0].contains(warning), "\(warnings.messages)")
        #expect(try Answers(ledger, records: Story.records) == answers)
    }

    /// The root pages of two tables (or indexes) of a closed projection.
    private func rootPages(of names: [String], in path: String) throws -> (Int64, Int64) {
        let db = try SQLiteConnection(path: path, readOnly: true)
        defer { db.close() }
        let pages = try names.map { name throws -> Int64 in
            let statement = try db.statement("SELECT rootpage FROM sqlite_master WHERE name = ?1")
            defer { statement.reset() }
            return try statement.bind(1, name).step() ? statement.int(0) : 0
        }
        #expect(pages.allSatisfy { $0 > 1 })
        return (pages[0], pages[1])
    }
}
