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
}
