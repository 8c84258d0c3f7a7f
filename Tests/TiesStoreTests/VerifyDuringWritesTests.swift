import Foundation
import Synchronization
import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

@Suite("verify while a writer commits")
struct VerifyDuringWritesTests {
    /// Commits the writer thread makes: enough for many verifies to run
    /// while the head moves, few enough that the log stays small.
    static let commitBudget = 3_000

    @Test("Verify run again and again while another thread keeps committing never reports damage, and each report is a real point of the log")
    func verifyDuringWritesFindsNoDamage() throws {
        // In memory where possible: syncs are quick, so commits land inside
        // every step of a verify, where reading two points would show.
        let directory = try TemporaryDirectory("ties-verify-live-", in: TemporaryDirectory.memoryBacked)
        defer { directory.cleanUp() }
        try Ledger.create(at: directory.path)
        let service = try LedgerService(directory: directory.path, warn: { _ in })
        defer { service.shutdown(timeoutMs: 30_000) }
        let metadata = CommitMetadata(actor: "writer")
        guard case .success = service.write(CommitRequest(operations: [Op.define("order"), Op.register(Keys.placed)], metadata: metadata)) else {
            Issue.record("the set-up commit failed")
            return
        }

        let stop = Atomic<Bool>(false)
        let committing = Atomic<Bool>(true)
        let failures = Mutex<[String]>([])
        let writerDone = DispatchSemaphore(value: 0)
        let writer = Thread {
            defer {
                committing.store(false, ordering: .sequentiallyConsistent)
                writerDone.signal()
            }
            for index in 0..<Self.commitBudget where !stop.load(ordering: .sequentiallyConsistent) {
                let operations = (0..<(1 + index % 3)).map { Op.link(Keys.placed, "p\(index % 50)", "o-\(index)-\($0)") }
                if case .failure(let error) = service.write(CommitRequest(operations: operations, metadata: metadata)) {
                    failures.withLock { $0.append(error.message) }
                    return
                }
            }
        }
        writer.start()

        var reports: [VerifyReport] = []
        while committing.load(ordering: .sequentiallyConsistent) && reports.count < 200 {
            reports.append(try Verifier.verify(directory: directory.path))
        }
        stop.store(true, ordering: .sequentiallyConsistent)
        #expect(writerDone.wait(timeout: .now() + 60) == .success, "the writer thread did not stop")

        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        for report in reports {
            #expect(report.isIntact, "\(report.problems.map(\.message))")
            if let seq = report.projectionSeq { #expect(seq <= report.headSeq, "projection at \(seq), log read to \(report.headSeq)") }
        }
        // The head really did move while verify ran.
        #expect(Set(reports.map(\.headSeq)).count > 2, "\(reports.count) verifies saw heads \(Set(reports.map(\.headSeq)))")
        // A verify of the ledger at rest agrees with the writer.
        let atRest = try Verifier.verify(directory: directory.path)
        #expect(atRest.isIntact && atRest.headSeq == service.head.seq, "\(atRest.problems.map(\.message))")
    }
}
