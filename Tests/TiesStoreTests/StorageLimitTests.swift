import Foundation
import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

/// The storage limits of `Limits`, each tried at its bound and one past it.
@Suite("Storage limits hold on both sides of their bounds")
struct StorageLimitTests {
    private func policy(_ config: String, in directory: TemporaryDirectory) throws(LedgerError) -> SnapshotPolicy {
        let layout = LedgerLayout(directory: directory.path)
        do {
            try Files.write(layout.config, Array(config.utf8))
        } catch {
            Issue.record("cannot write config.json: \(error)")
        }
        return try SnapshotPolicy.load(layout)
    }

    @Test("snapshotsKept accepts 1 and the maximum, and refuses 0 and one more")
    func snapshotsKeptBounds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        #expect(try policy(#"{"snapshotsKept": 1}"#, in: directory).kept == 1)
        #expect(try policy("{\"snapshotsKept\": \(Limits.snapshotsKeptMax)}", in: directory).kept == Limits.snapshotsKeptMax)
        expectLedgerError(.ledgerDamaged) { try policy(#"{"snapshotsKept": 0}"#, in: directory) }
        expectLedgerError(.ledgerDamaged) { try policy("{\"snapshotsKept\": \(Limits.snapshotsKeptMax + 1)}", in: directory) }
    }

    @Test("config.json is read up to its size limit and refused one byte past it")
    func configFileBound() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let body = #"{"snapshotsKept": 2}"#
        let padded = body + String(repeating: " ", count: Limits.configFileBytesMax - body.utf8.count)
        #expect(try policy(padded, in: directory).kept == 2)
        expectLedgerError(.ledgerDamaged) { try policy(padded + " ", in: directory) }
    }

    @Test("A key name may be as long as the limit and no longer")
    func keyNameBound() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        _ = try makeLedger(in: directory.path)
        let keys = KeyStore(ledgerDirectory: directory.path)
        let now = time("2026-12-01T00:00:00Z")
        _ = try keys.create(name: String(repeating: "k", count: Limits.keyNameScalarsMax), role: .read, now: now)
        expectLedgerError(.invalidField) { try keys.create(name: String(repeating: "k", count: Limits.keyNameScalarsMax + 1), role: .read, now: now) }
        #expect(try keys.keys().count == 1)
    }

    @Test("keys.json is read up to its size limit and refused one byte past it")
    func keyFileBound() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        _ = try makeLedger(in: directory.path)
        let keys = KeyStore(ledgerDirectory: directory.path)
        let path = directory.file("keys.json")
        let body = #"{"keys":[]}"#
        try Files.write(path, Array((body + String(repeating: " ", count: Limits.keyFileBytesMax - body.utf8.count)).utf8))
        #expect(try keys.keys().isEmpty)
        try Files.append(path, Array(" ".utf8))
        expectLedgerError(.ledgerDamaged) { try keys.keys() }
    }

    @Test("A log line as long as the limit is read whole; a longer one is cut, never buffered whole")
    func logLineBound() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        _ = try makeLedger(in: directory.path)
        let layout = LedgerLayout(directory: directory.path)
        let newline = UInt8(ascii: "\n")
        let atLimit = [UInt8](repeating: UInt8(ascii: "x"), count: Limits.logLineBytesMax)
        let pastLimit = [UInt8](repeating: UInt8(ascii: "y"), count: Limits.logLineBytesMax + 2 * LogScanner.chunkBytes)
        try Files.write(layout.log, atLimit + [newline] + pastLimit + [newline])
        let log = try LogFile(layout, writable: false)
        var scanner = log.scanner(from: 0, expectedSeq: 1, expectedPrevious: CommitCodec.genesisHash)
        let first = try #require(try scanner.nextLine())
        #expect(first.0.count == Limits.logLineBytesMax && first.2)
        let second = try #require(try scanner.nextLine())
        #expect(!second.2, "the over-long line is returned cut, without its newline")
        #expect(second.0.count <= Limits.logLineBytesMax + LogScanner.chunkBytes)
    }
}
