import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

// Regressions: bugs found while writing the TiesStore tests (byte-wise
// identity of records and values, edited-vs-torn lines, zero-timeout
// writers, repeated torn tails).

@Suite("regressions")
struct StoreRegressionTests {
    @Test("canonically equivalent record IDs in one commit stay different records")
    func canonicallyEquivalentIDsInOneCommit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let warnings = WarningLog()
        let nfd = "e\u{301}", nfc = "\u{e9}"
        do {
            let ledger = try makeLedger(in: directory.path, warn: warnings.sink)
            _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata())
            let receipt = try ledger.commit([Op.link(Keys.placed, "p", nfd, ["a": .int(1)]), Op.link(Keys.placed, "p", nfc, ["a": .int(2)])],
                                            metadata: metadata())
            #expect(receipt.results.map { if case .link(_, let created, _) = $0 { created } else { false } } == [true, true])
            #expect(warnings.messages.isEmpty, "\(warnings.messages)")
            let links = try ledger.relationships(of: person("p")).links
            #expect(Set(links.map { Array($0.to.id.utf8) }) == [Array(nfd.utf8), Array(nfc.utf8)])
        }
        // The acknowledged commit must not leave the ledger unopenable.
        let reopened = try Ledger.open(at: directory.path, access: .write)
        #expect(reopened.headSeq == 4)
    }

    @Test("an attribute set to a canonically equivalent string with other bytes is changed")
    func canonicallyEquivalentAttributeValue() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed), Op.link(Keys.placed, "p", "o", ["name": .string("\u{e9}")])],
                              metadata: metadata())
        let receipt = try ledger.commit([Op.link(Keys.placed, "p", "o", ["name": .string("e\u{301}")])], metadata: metadata())
        #expect(receipt.firstSeq != nil)
        let value = try ledger.relationships(of: person("p")).links.first?.attributes["name"]?.stringValue
        #expect(value.map { Array($0.utf8) } == Array("e\u{301}".utf8))
    }

    @Test("a re-sealed edit of the second-to-last commit refuses to open instead of cutting off the last commit")
    func editBeforeLastCommitIsDamage() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let commits: [ScannedCommit]
        do {
            let ledger = try makeLedger(in: directory.path)
            for name in ["order", "account", "household"] { _ = try ledger.commit([Op.define(name)], metadata: metadata()) }
            commits = try readWholeLog(ledger)
        }
        var edited = commits[1].commit
        edited.actor = "mallory"
        let log = try Files.read(directory.file("log.jsonl"))
        let damaged = Array(log[0..<Int(commits[1].offset)]) + (try CommitCodec.seal(edited)).line + Array(log[Int(commits[2].offset)...])
        try Files.write(directory.file("log.jsonl"), damaged)
        try Files.removeProjection(in: directory.path)
        let error = expectLedgerError(.ledgerDamaged) { try Ledger.open(at: directory.path, access: .write) }
        #expect(error?.details["seq"] == .int(3))
        #expect(try Files.read(directory.file("log.jsonl")) == damaged)
    }

    @Test("a writer that will not wait fails with ledger_busy instead of opening read-only")
    func writerWithZeroTimeoutIsBusy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let first = try makeLedger(in: directory.path)
        expectLedgerError(.ledgerBusy) { try Ledger.open(at: directory.path, access: .write, lockTimeoutMs: 0) }
        withExtendedLifetime(first) {}
    }

    @Test("a second torn tail at the same offset keeps the first one's bytes too")
    func secondTornTailAtSameOffset() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        do {
            let ledger = try makeLedger(in: directory.path)
            _ = try ledger.commit([Op.define("order")], metadata: metadata())
        }
        let size = try Files.read(directory.file("log.jsonl")).count
        try Files.append(directory.file("log.jsonl"), Array("first torn".utf8))
        _ = try Ledger.open(at: directory.path, access: .write)
        try Files.append(directory.file("log.jsonl"), Array("second".utf8))
        _ = try Ledger.open(at: directory.path, access: .write)
        let kept = try Files.list(directory.path).filter { $0.hasPrefix("log.jsonl.torn") }
        let bytes = try kept.map { try Files.read(directory.file($0)) }
        #expect(Set(bytes) == [Array("first torn".utf8), Array("second".utf8)], "\(kept) at \(size)")
    }
}

/// Damage that reaches the write path's invariants must surface as an error,
/// never as a trap (found in review of the TiesSystem refactor).
@Suite("regressions: damaged metadata is an error, not a crash")
struct DamagedMetadataRegressionTests {
    @Test("A negative offset stored in the projection is refused with an error when the ledger opens")
    func negativeProjectionOffsetIsAnError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        do {
            let ledger = try makeLedger(in: directory.path)
            _ = try ledger.commit([Op.define("order")], metadata: metadata())
        }
        let layout = LedgerLayout(directory: directory.path)
        let db = try SQLiteConnection(path: layout.projection)
        try db.execute("UPDATE meta SET value = -5 WHERE key = '\(MetaKey.lastCommitOffset)'")
        db.close()
        let warnings = WarningLog()
        // Either the projection is set aside and rebuilt from the log, or the open fails; it never traps.
        do {
            let reopened = try Ledger.open(at: directory.path, access: .write, warn: warnings.sink)
            #expect(reopened.headSeq == 1)
            #expect(reopened.catalog.objectTypes.contains { $0.name == "order" })
        } catch {
            #expect(error.code == .ioError || error.code == .ledgerDamaged, "\(error)")
        }
    }
}
