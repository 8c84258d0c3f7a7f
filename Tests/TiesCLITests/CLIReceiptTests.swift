import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestSupport

/// Receipts — the log lines of keyed requests that changed nothing, with no
/// events and no seq (TiesStore.docc/LogFormat.md) — through the commands
/// that read the log by seq: `log --from`, `repair --truncate-at`, opening,
/// and the time "now" of an as-of answer.
@Suite("receipts in the log")
struct CLIReceiptTests {
    /// A copy of the golden ledger of receipts: a receipt before the first
    /// commit, commit 1–3, a receipt, commit 4, a receipt (the head's line).
    static func goldenCopy() throws -> TestLedger {
        let ledger = try TestLedger.make(initialized: false)
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Snapshots/ledger-keyed-receipts/log.jsonl").standardized.path
        try FileManager.default.createDirectory(atPath: ledger.directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: golden, toPath: ledger.logPath)
        return ledger
    }

    static func lines(_ run: CLIRun) throws -> [JSONValue] { try run.stdoutLines.map { try JSONParser.parse($0) } }

    @Test("log --from SEQ starts at the commit holding SEQ, whatever receipts come before it, and prints the receipts after it")
    func logFromASeq() throws {
        let ledger = try Self.goldenCopy()
        defer { ledger.remove() }
        let all = try Self.lines(try ledger.succeed("log"))
        #expect(all.map { $0["v"] } == [.int(2), .int(1), .int(2), .int(1), .int(2)])
        for (from, expected) in [(1, 5), (2, 4), (3, 4), (4, 2), (5, 1)] {
            let run = try ledger.succeed("log", "--from", String(from))
            #expect(try Self.lines(run).count == expected, "--from \(from): \(run)")
        }
        #expect(try Self.lines(try ledger.succeed("log", "--from", "4")) == Array(all.suffix(2)))
    }

    @Test("repair --truncate-at SEQ keeps the receipts made at that head, and the snapshot taken there stays valid")
    func repairKeepsTheHeadsReceipts() throws {
        let ledger = try Self.goldenCopy()
        defer { ledger.remove() }
        try ledger.succeed("snapshot")
        let before = try Data(contentsOf: URL(fileURLWithPath: ledger.logPath))
        try ledger.succeed("repair", "--truncate-at", "4")
        #expect(try Data(contentsOf: URL(fileURLWithPath: ledger.logPath)) == before)
        try ledger.succeed("repair", "--truncate-at", "3")
        let kept = try Self.lines(try ledger.succeed("log"))
        #expect(kept.map { $0["idempotencyKey"] } == [.string("k-person-again"), .string("k-batch"), .string("k-relink")])
        try ledger.succeed("verify")
        try ledger.succeed("repair", "--truncate-at", "0")
        #expect(try Self.lines(try ledger.succeed("log")).map { $0["idempotencyKey"] } == [.string("k-person-again")])
        try ledger.succeed("verify")
    }

    @Test("a projection that has applied only a receipt refuses a log that does not hold it")
    func aReceiptOnlyProjectionChecksItsLine() throws {
        let ledger = try Self.goldenCopy()
        defer { ledger.remove() }
        let first = try #require(String(contentsOfFile: ledger.logPath, encoding: .utf8).split(separator: "\n").first)
        try (first + "\n").write(toFile: ledger.logPath, atomically: true, encoding: .utf8)
        try ledger.succeed("stats")
        // Another ledger's log, longer, under the same projection.
        let other = try TestLedger.make()
        defer { other.remove() }
        try other.succeed("define-type", "order")
        try FileManager.default.removeItem(atPath: ledger.logPath)
        try FileManager.default.copyItem(atPath: other.logPath, toPath: ledger.logPath)
        let refused = ledger.ties("stats", "--json")
        #expect(refused.status == CLI.ExitCode.damaged, "\(refused)")
        #expect(try refused.errorJSON()["error"]?["code"] == .string("ledger_damaged"))
    }

    @Test("the time of an answer as of now is the last commit's, not a receipt's after it")
    func nowIsTheLastCommitsTime() throws {
        let ledger = try Self.goldenCopy()
        defer { ledger.remove() }
        let now = try ledger.succeedJSON("show", "person:ada")
        #expect(now["asOfSeq"] == .int(4) && now["asOfTime"] == .string("2026-03-03T12:00:04.000Z"), "\(now)")
        #expect(try ledger.succeedJSON("show", "person:ada", "--as-of", "4")["asOfTime"] == .string("2026-03-03T12:00:04.000Z"))
        #expect(try ledger.succeedJSON("stats")["lastCommitAt"] == .string("2026-03-03T12:00:04.000Z"))
    }
}
