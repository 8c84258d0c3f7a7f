import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

@Suite("One writer at a time")
struct WriterLockTests {
    @Test("a second writer fails with ledger_busy after its timeout, and gets in once the first closes")
    func secondWriterIsBusy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var first: Ledger? = try makeLedger(in: directory.path)
        _ = try #require(first).commit([Op.define("order")], metadata: metadata())

        let clock = ContinuousClock()
        let started = clock.now
        let error = expectLedgerError(.ledgerBusy) { try Ledger.open(at: directory.path, access: .write, lockTimeoutMs: 100) }
        let waited = clock.now - started
        #expect(waited >= .milliseconds(90), "gave up after \(waited), before its 100 ms timeout")
        // Under the 2 s default it must not fall back to; 20 times the timeout, room for a busy machine.
        #expect(waited < .seconds(2), "waited \(waited) for a 100 ms timeout")
        #expect(error?.details["lock"] == .string(directory.file("lock")))
        #expect(error?.message.contains("pid") == true, "\(error.map { "\($0)" } ?? "")")

        // The busy attempt changed nothing; the first writer carries on.
        _ = try #require(first).commit([Op.define("account")], metadata: metadata())
        first = nil
        let second = try Ledger.open(at: directory.path, access: .write, lockTimeoutMs: 100)
        #expect(second.isWriter)
        #expect(second.headSeq == 2)
        expectLedgerError(.ledgerBusy) { try Ledger.open(at: directory.path, access: .write, lockTimeoutMs: 1) }
    }

    @Test("readers open while a writer holds the lock, and see what it committed")
    func readersDoNotWaitForTheWriter() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let writer = try makeLedger(in: directory.path)
        let receipt = try writer.commit([Op.define("order"), Op.register(Keys.placed, bidirectional: true)], metadata: metadata())
        _ = try writer.commit([Op.link(Keys.placed, "u1", "o1")], metadata: metadata())

        // The writer holds the lock throughout: a reader that waited for it
        // would fail with ledger_busy after 100 ms instead of opening.
        let reader = try Ledger.open(at: directory.path, access: .read, lockTimeoutMs: 100)
        #expect(!reader.isWriter)
        #expect(reader.headSeq == 3)
        #expect(reader.headHash == writer.headHash)
        #expect(try reader.relationships(of: person("u1")).links.map(\.to) == [record("order", "o1")])
        #expect(try reader.relationships(of: record("order", "o1")).links.map(\.direction) == [.inverse])
        #expect(try reader.history(of: person("u1")).entries.map(\.seq) == [3])
        #expect(reader.catalog.relationshipTypes.map(\.id) == [typeID(receipt, at: 1)])
        expectLedgerError(.ledgerReadOnly) { try reader.commit([Op.define("account")], metadata: metadata()) }
        // The writer is not disturbed by the reader.
        _ = try writer.commit([Op.unlink(Keys.placed, "u1", "o1")], metadata: metadata())
        let laterReader = try Ledger.open(at: directory.path, access: .read)
        #expect(laterReader.headSeq == 4)
        #expect(try laterReader.relationships(of: person("u1")).links.isEmpty)
        #expect(try laterReader.relationships(of: person("u1"), asOf: .seq(3)).links.count == 1)
    }

    @Test("a reader opened with no writer around does not keep the lock")
    func readerReleasesTheLock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var writer: Ledger? = try makeLedger(in: directory.path)
        _ = try #require(writer).commit([Op.define("order")], metadata: metadata())
        writer = nil
        let reader = try Ledger.open(at: directory.path, access: .read)
        #expect(!reader.isWriter)
        let second = try Ledger.open(at: directory.path, access: .write, lockTimeoutMs: 100)
        #expect(second.isWriter)
        _ = try second.commit([Op.define("account")], metadata: metadata())
        #expect(reader.headSeq == 1)
        withExtendedLifetime(reader) {}
    }
}
