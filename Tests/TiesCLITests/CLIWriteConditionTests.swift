import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestSupport

/// `--idempotency-key` and `--if-head` on CLI writes, with the HTTP API's semantics.
@Suite("ties write conditions")
struct CLIWriteConditionTests {
    @Test func aRetryWithTheSameKeyAppendsNothingAndAnswersAsTheFirstDid() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let (placed, _) = try ledger.defineShop()
        let first = try ledger.succeedJSON("link", placed, "person:u1", "order:o1", "--attr", "channel=web", "--idempotency-key", "k-1")
        let head = try ledger.open().headSeq
        let retry = try ledger.succeedJSON("link", placed, "person:u1", "order:o1", "--attr", "channel=web", "--idempotency-key", "k-1")
        #expect(retry == first)
        #expect(try ledger.open().headSeq == head)
        // The key survives a restart: it is in the log.
        let again = try ledger.succeed("link", placed, "person:u1", "order:o1", "--attr", "channel=web", "--idempotency-key", "k-1")
        #expect(again.stdout.contains("seq \(head)"), "\(again)")
        // Another command, or the same one with another reason, under the key is refused.
        for other in [["link", placed, "person:u1", "order:o2", "--idempotency-key", "k-1"],
                      ["link", placed, "person:u1", "order:o1", "--attr", "channel=web", "--idempotency-key", "k-1", "--reason", "other"]] {
            let run = ledger.ties(other)
            #expect(run.status == CLI.ExitCode.rejected && run.stderr.contains("idempotency_key_reused"), "\(run)")
        }
        #expect(try ledger.open().headSeq == head)
    }

    @Test("a keyed command that changes nothing leaves a receipt in the log: its key holds after a rebuild from the log alone")
    func aKeyedNoOpSurvivesAFullRebuild() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let (placed, _) = try ledger.defineShop()
        try ledger.succeed("link", placed, "person:u1", "order:o1")
        let head = try ledger.open().headSeq
        let logBefore = try Data(contentsOf: URL(fileURLWithPath: ledger.logPath))
        let first = try ledger.succeedJSON("link", placed, "person:u1", "order:o1", "--idempotency-key", "k-same")
        #expect(first["created"] == .bool(false), "\(first)")
        #expect(try ledger.open().headSeq == head)
        let log = try Data(contentsOf: URL(fileURLWithPath: ledger.logPath))
        let receipt = try JSONParser.parse(Array(log.suffix(from: logBefore.count)))
        #expect(receipt["v"] == .int(2) && receipt["events"] == .array([]) && receipt["idempotencyKey"] == .string("k-same"), "\(receipt)")
        try ledger.succeed("rebuild", "--full")
        #expect(try ledger.succeedJSON("link", placed, "person:u1", "order:o1", "--idempotency-key", "k-same") == first)
        let other = ledger.ties("link", placed, "person:u1", "order:o2", "--idempotency-key", "k-same")
        #expect(other.status == CLI.ExitCode.rejected && other.stderr.contains("idempotency_key_reused"), "\(other)")
        #expect(try ledger.open().headSeq == head)
        // The log prints it; history and the change feed do not show it; the chain verifies.
        #expect(try ledger.succeed("log").stdoutLines.last?.contains(#""idempotencyKey":"k-same""#) == true)
        #expect(try ledger.succeedJSON("history", "person:u1")["entries"]?.arrayValue?.count == 1)
        #expect(try ledger.succeed("verify").status == CLI.ExitCode.ok)
    }

    @Test func ifHeadCommitsOnlyAtThatHead() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.succeed("define-type", "order")
        let stale = ledger.ties("define-type", "line_item", "--if-head", "0")
        #expect(stale.status == CLI.ExitCode.rejected && stale.stderr.contains("sequence_conflict"), "\(stale)")
        try ledger.succeed("define-type", "line_item", "--if-head", "1")
        #expect(try ledger.open().headSeq == 2)
        for bad in ["-1", "x", "1.5"] {
            #expect(ledger.ties("define-type", "account", "--if-head", bad).status == CLI.ExitCode.usage, "\(bad)")
        }
        try ledger.succeed("record", "set", "person:u1", "--field", "a=1", "--if-head", "2")
        let erased = ledger.ties("erase", "person:u1", "--reason", "asked", "--if-head", "2")
        #expect(erased.status == CLI.ExitCode.rejected && erased.stderr.contains("sequence_conflict"), "\(erased)")
    }
}

extension CLIWriteConditionTests {
    @Test func theOSUserIsThePrincipalOfEveryCLIWrite() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.succeed("record", "set", "person:u1", "--actor", "support:alice")
        let history = try ledger.succeedJSON("history", "person:u1")
        let entry = try #require(history["entries"]?[0])
        #expect(entry["actor"] == .string("support:alice") && entry["principal"] == .string(CommitMetadata.osUser), "\(entry)")
    }
}
