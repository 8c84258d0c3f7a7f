import Testing
import TiesCore
@testable import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

/// Automatic snapshots are taken off the writer's thread, from a consistent
/// read of the projection, while commits go on.
@Suite("automatic snapshots in the background")
struct BackgroundSnapshotTests {
    @Test("Snapshots taken while commits go on are each a valid, stamped state, and pruned to the policy")
    func snapshotsBesideCommitsAreValid() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        try Ledger.create(at: directory.path)
        try Files.write(directory.file("config.json"), Array(#"{"snapshotEveryCommits": 3, "snapshotsKept": 2}"#.utf8))
        let ledger = try Ledger.open(at: directory.path, access: .write)
        #expect(ledger.backgroundSnapshots != nil)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata())
        for index in 0..<60 {
            _ = try ledger.commit([Op.link(Keys.placed, "p\(index)", "o\(index)")], metadata: metadata())
        }
        #expect(ledger.backgroundSnapshots?.waitUntilIdle(timeoutMs: Wait.defaultTimeoutMs) == true)
        let snapshots = try ledger.snapshots()
        #expect((1...2).contains(snapshots.count), "\(snapshots)")
        #expect(snapshots.allSatisfy { $0.isValid }, "\(snapshots)")
        #expect(snapshots.allSatisfy { $0.seq <= ledger.headSeq })
        ledger.close()
        // The newest one restores: lose the projection and reopen.
        for file in LedgerLayout(directory: directory.path).projectionFiles { try TiesSystem.Files.removeTree(file) }
        let warnings = WarningLog()
        let reopened = try Ledger.open(at: directory.path, access: .write, warn: warnings.sink)
        #expect(reopened.headSeq == 62)
        #expect(warnings.messagesBesidesMissingProjection.isEmpty, "\(warnings.messages)")
        #expect(try Verifier.verify(directory: directory.path).isIntact)
    }

    @Test("Closing a ledger waits for its snapshot, so no temporary copy is left behind")
    func closeWaitsForTheSnapshot() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        try Ledger.create(at: directory.path)
        try Files.write(directory.file("config.json"), Array(#"{"snapshotEveryCommits": 1}"#.utf8))
        let ledger = try Ledger.open(at: directory.path, access: .write)
        _ = try ledger.commit([Op.define("order")], metadata: metadata())
        ledger.close()
        let names = try Files.list(directory.file("snapshots"))
        #expect(names.count == 1 && names.allSatisfy { $0.hasSuffix(".sqlite") }, "\(names)")
    }
}
