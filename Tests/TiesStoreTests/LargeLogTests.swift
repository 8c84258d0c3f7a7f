import Testing
import TiesCore
@testable import TiesStore
import TiesTestSupport

/// Logs of several read chunks (`LogScanner.chunkBytes`, 1 MiB), with commit
/// lines both shorter and longer than a chunk, so lines straddle chunk
/// boundaries during catch-up, torn-tail detection and damage reports.
@Suite("Logs larger than a read chunk")
struct LargeLogTests {
    static let records = (0..<10).map { person("p\($0)") } + [person("heavy0"), record("order", "o0"), record("order", "big-a")]

    /// 100 attributes of 1000 bytes: a link event of about 100 KB.
    static func heavyAttributes(_ letter: Character) -> Attributes {
        var attributes: Attributes = [:]
        for index in 0..<Limits.attributesPerLinkMax {
            attributes["k\(index)"] = .string(String(repeating: letter, count: 1000))
        }
        return attributes
    }

    /// Heavy links from `heavy0`, `heavy1`, … to one order, one event each.
    static func heavyLinks(_ count: Int, to order: String, letter: Character) -> [Operation] {
        (0..<count).map { Op.link(Keys.placed, "heavy\($0)", order, heavyAttributes(letter)) }
    }

    /// A closed ledger with a log of several MiB; its answers and commits.
    final class Fixture {
        let directory: TemporaryDirectory
        let answers: Answers
        let commits: [ScannedCommit]
        let log: [UInt8]

        init() throws {
            (directory, answers, commits) = try Self.build()
            log = try Files.read(directory.file("log.jsonl"))
            #expect(log.count > 2 * LogScanner.chunkBytes)
            #expect(commits.contains { $0.sealed.line.count > LogScanner.chunkBytes })
        }

        private static func build() throws -> (TemporaryDirectory, Answers, [ScannedCommit]) {
            let directory = try TemporaryDirectory()
            let ledger = try makeLedger(in: directory.path)
            _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed, bidirectional: true)], metadata: metadata())
            let letters = Array("abcdefghij")
            for index in 0..<10 {
                _ = try ledger.commit([Op.link(Keys.placed, "p\(index)", "o\(index % 3)", heavyAttributes(letters[index]))],
                                      metadata: metadata(reason: "heavy \(index)"))
                if index == 4 {
                    // One commit line of about 1.2 MB: longer than a read chunk.
                    _ = try ledger.commit(heavyLinks(12, to: "big-a", letter: "x"), metadata: metadata(reason: "huge"))
                }
            }
            _ = try ledger.commit([Op.unlink(Keys.placed, "p3", "o0")], metadata: metadata())
            return (directory, try Answers(ledger, records: records), try readWholeLog(ledger))
        }
    }

    @Test("a log of many chunks is rebuilt and read back whole")
    func rebuildsAndReadsBack() throws {
        let fixture = try Fixture()
        #expect(fixture.commits.count == 13)
        expectIntactChain(fixture.commits)
        try Files.removeProjection(in: fixture.directory.path)
        let warnings = WarningLog()
        let ledger = try Ledger.open(at: fixture.directory.path, access: .write, warn: warnings.sink)
        #expect(warnings.messagesBesidesMissingProjection.isEmpty)
        #expect(try Answers(ledger, records: Self.records) == fixture.answers)
        let again = try readWholeLog(ledger)
        #expect(again.map(\.sealed.hash) == fixture.commits.map(\.sealed.hash))
        #expect(again.map(\.offset) == fixture.commits.map(\.offset))
        let attributes = try ledger.relationships(of: person("p9")).links.first?.attributes
        #expect(attributes == Self.heavyAttributes("j"))
    }

    @Test("a torn tail of a long log is found at any cut of its last long line")
    func tornTailOfLongLog() throws {
        let fixture = try Fixture()
        // Append one more long commit ourselves, then cut it at places around chunk sizes.
        let last = try #require(fixture.commits.last)
        let typeId = try #require(fixture.answers.catalog.relationshipTypes.first?.id)
        let events: [Event] = (0..<12).map {
            .linked(LinkKey(typeId: typeId, from: person("late\($0)"), to: record("order", "late")), attributes: Self.heavyAttributes("q"))
        }
        let sealed = try CommitCodec.seal(Commit(firstSeq: last.commit.lastSeq + 1, at: last.commit.at, actor: "late", reason: nil,
                                                 idempotencyKey: nil, events: events, previousHash: last.sealed.hash))
        let chunk = LogScanner.chunkBytes
        #expect(sealed.line.count > chunk)
        for cut in [1, chunk + 1, sealed.line.count - 1] {
            let path = try fixture.directory.subdirectory("cut-\(cut)")
            try Files.write(path + "/log.jsonl", fixture.log + Array(sealed.line[0..<cut]))
            let warnings = WarningLog()
            let ledger = try Ledger.open(at: path, access: .write, warn: warnings.sink)
            #expect(warnings.messagesBesidesMissingProjection.count == 1, "cut \(cut)")
            #expect(try Answers(ledger, records: Self.records) == fixture.answers, "cut \(cut)")
            #expect(try Files.read(path + "/log.jsonl.torn-at-\(fixture.log.count)") == Array(sealed.line[0..<cut]), "cut \(cut)")
            try Files.remove(path)
        }
        // The whole line is a good commit.
        let path = try fixture.directory.subdirectory("whole")
        try Files.write(path + "/log.jsonl", fixture.log + sealed.line)
        let ledger = try Ledger.open(at: path, access: .read)
        #expect(ledger.headSeq == last.commit.lastSeq + 12)
        #expect(try ledger.relationships(of: record("order", "late")).links.count == 12)
    }

    @Test("damage in the middle of a long log names the right seq and offset")
    func damageInLongLog() throws {
        let fixture = try Fixture()
        for index in [5, 6, 11] {
            let commit = fixture.commits[index]
            var damaged = fixture.log
            damaged[Int(commit.offset) + commit.sealed.line.count / 2] ^= 0x01
            try Files.write(fixture.directory.file("log.jsonl"), damaged)
            try Files.removeProjection(in: fixture.directory.path)
            let error = expectLedgerError(.ledgerDamaged, "commit \(index)") { try Ledger.open(at: fixture.directory.path, access: .write) }
            #expect(error?.details["seq"] == .int(commit.commit.firstSeq), "commit \(index)")
            #expect(error?.details["offset"] == .int(commit.offset), "commit \(index)")
            #expect(try Files.read(fixture.directory.file("log.jsonl")) == damaged, "commit \(index)")
        }
    }
}
