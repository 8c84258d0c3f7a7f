import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

@Suite("damage kept in damaged.json")
struct DamageRecordTests {
    @Test("verify keeps damage in an old commit in damaged.json; writes are refused; a verify of the whole log again clears it")
    func verifyRecordsAndClears() throws {
        let (directory, commits) = try ProjectionStorageTests.twoCommits()
        defer { directory.cleanUp() }
        let path = directory.file("log.jsonl")
        let whole = try Files.read(path)
        var damaged = whole
        damaged[Int(commits[1].offset) + 40] ^= 0x01
        try Files.write(path, damaged)

        #expect(try !Verifier.verify(directory: directory.path).isIntact)
        let record = try #require(try DamageRecord.load(LedgerLayout(directory: directory.path)))
        #expect(record.foundBy == "verify" && record.seq == commits[1].commit.firstSeq && record.offset == commits[1].offset, "\(record)")
        let ledger = try Ledger.open(at: directory.path, access: .write)
        let refused = expectLedgerError(.ledgerDamaged) { try ledger.commit([Op.define("later")], metadata: metadata()) }
        #expect(refused?.details["seq"] == .int(commits[1].commit.firstSeq))
        #expect(try ledger.relationships(of: person("ada")).links.count == 2, "reads go on")
        ledger.close()

        try Files.write(path, whole)
        #expect(try Verifier.verify(directory: directory.path).isIntact)
        #expect(!Files.exists(directory.file("damaged.json")))
        _ = try Ledger.open(at: directory.path, access: .write).commit([Op.define("later")], metadata: metadata())
    }

    @Test("a torn last line is not damage to keep: the next open cuts it off")
    func tornTailIsNotRecorded() throws {
        let (directory, _) = try ProjectionStorageTests.twoCommits()
        defer { directory.cleanUp() }
        try Files.append(directory.file("log.jsonl"), Array(#"{"v":1,"firstSeq":5"#.utf8))
        _ = try Verifier.verify(directory: directory.path)
        #expect(!Files.exists(directory.file("damaged.json")))
    }

    @Test("a bad last line that ends in a newline is a torn tail to verify too, as it is to the open, not damage to keep")
    func terminatedTornTailIsNotRecorded() throws {
        let (directory, commits) = try ProjectionStorageTests.twoCommits()
        defer { directory.cleanUp() }
        let log = try Files.read(directory.file("log.jsonl"))
        // Half of the last commit again, with a newline: no whole commit follows it.
        try Files.write(directory.file("log.jsonl"), log + Array(commits[2].sealed.line.prefix(60)) + [UInt8(ascii: "\n")])
        let report = try Verifier.verify(directory: directory.path)
        // Before the fix it was damage: kept in damaged.json, and writes refused.
        #expect(report.problems.count == 1 && report.problems.allSatisfy(\.isTornTail), "\(report.problems)")
        #expect(!Files.exists(directory.file("damaged.json")))
        let warnings = WarningLog()
        let reopened = try Ledger.open(at: directory.path, access: .write, warn: warnings.sink)
        #expect(warnings.messages.contains { $0.contains("incomplete commit") }, "\(warnings.messages)")
        _ = try reopened.commit([Op.define("later")], metadata: metadata())
        reopened.close()
        #expect(try Verifier.verify(directory: directory.path).isIntact)
    }

    @Test("two whole commits joined by one bad byte at the end of the log stay damage to verify, as to the open")
    func joinedLastCommitsAreDamage() throws {
        let (directory, commits) = try ProjectionStorageTests.twoCommits()
        defer { directory.cleanUp() }
        var log = try Files.read(directory.file("log.jsonl"))
        log[Int(commits[2].offset) - 1] = UInt8(ascii: " ")  // The newline between the last two commits.
        try Files.write(directory.file("log.jsonl"), log)
        let report = try Verifier.verify(directory: directory.path)
        #expect(!report.problems.isEmpty && report.problems.allSatisfy { !$0.isTornTail }, "\(report.problems)")
        #expect(Files.exists(directory.file("damaged.json")))
    }
}
