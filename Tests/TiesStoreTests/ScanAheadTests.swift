import Testing
import TiesCore
@testable import TiesStore
import TiesTestSupport

@Suite("reading the log ahead of the projection")
struct ScanAheadTests {
    /// A ledger of three large commits (of 10,000 links when `beyondTheBound`:
    /// more events than the reader may hold ahead), then small ones.
    static func ledger(beyondTheBound: Bool = false) throws -> (TemporaryDirectory, Ledger) {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata())
        for batch in 0..<3 {
            _ = try ledger.commit((0..<(beyondTheBound ? 10_000 : 50)).map { Op.link(Keys.placed, "p\(batch)", "o\($0)") }, metadata: metadata())
        }
        for index in 0..<20 { _ = try ledger.commit([Op.unlink(Keys.placed, "p0", "o\(index)")], metadata: metadata()) }
        return (directory, ledger)
    }

    static func scanner(_ ledger: Ledger) -> LogScanner {
        ledger.log.scanner(from: 0, expectedSeq: 1, expectedPrevious: CommitCodec.genesisHash)
    }

    static func log(_ directory: TemporaryDirectory) throws -> LogFile {
        try LogFile(LedgerLayout(directory: directory.path), writable: false)
    }

    @Test("gives the same commits in the same order as the scanner, each with its events located")
    func sameCommitsAsTheScanner() throws {
        let (directory, ledger) = try Self.ledger(beyondTheBound: true)
        defer { directory.cleanUp() }
        #expect(30_000 > Limits.scanAheadEventsMax)
        var plain = Self.scanner(ledger)
        let ahead = ScanAhead(ledger.log)
        var count = 0
        while let expected = try plain.next() {
            let got = try #require(try ahead.next())
            #expect(got.offset == expected.offset && got.sealed.hash == expected.sealed.hash)
            let ranges = try #require(got.sealed.eventRanges)
            for (index, event) in expected.commit.events.enumerated() {
                var writer = JSONWriter()
                EventCoding.write(event, seq: expected.commit.firstSeq + Int64(index), to: &writer)
                #expect(Array(got.sealed.line[ranges[index]]) == writer.bytes)
            }
            count += 1
        }
        #expect(try ahead.next() == nil)
        #expect(ahead.tornTail == nil)
        #expect(count == 24)
    }

    @Test("stops after the commit ending at the limit")
    func stopsAtTheLimit() throws {
        let (directory, ledger) = try Self.ledger()
        defer { directory.cleanUp() }
        let ahead = ScanAhead(ledger.log, upTo: 102)
        var last: Int64 = 0
        while let scanned = try ahead.next() { last = scanned.commit.lastSeq }
        #expect(last == 102)
    }

    @Test("reports a torn tail at the end, and damage in the middle as the scanner does", .timeLimit(.minutes(1)))
    func tornTailAndDamage() throws {
        let (directory, ledger) = try Self.ledger()
        defer { directory.cleanUp() }
        ledger.close()
        let path = directory.file("log.jsonl")
        let log = try Files.read(path)
        let tail = Array(#"{"v":1,"firstSeq":"#.utf8)
        try Files.write(path, log + tail)
        let torn = ScanAhead(try Self.log(directory))
        while try torn.next() != nil {}
        #expect(torn.tornTail == TornTail(offset: Int64(log.count), byteCount: Int64(tail.count)))

        var damaged = log
        let second = Files.lineRanges(log)[1]
        damaged[second.lowerBound + 40] ^= 0x01
        try Files.write(path, damaged)
        let ahead = ScanAhead(try Self.log(directory))
        #expect(try ahead.next() != nil)
        let error = expectLedgerError(.ledgerDamaged) { try ahead.next() }
        #expect(error?.details["offset"] == .int(Int64(second.lowerBound)))
    }

    @Test("let go while the reader waits for room, it stops its thread and returns", .timeLimit(.minutes(1)))
    func letGoEarly() throws {
        let (directory, ledger) = try Self.ledger(beyondTheBound: true)
        defer { directory.cleanUp() }
        for _ in 0..<20 {
            let ahead = ScanAhead(ledger.log)
            _ = try ahead.next()
        }
    }
}
