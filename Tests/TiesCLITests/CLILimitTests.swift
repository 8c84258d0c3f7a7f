import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestSupport

/// CLI options bounded by `Limits`, accepted at their bounds (the refusals
/// one past them are in the usage-error table of `CLIErrorTests`).
@Suite("CLI limits, in-process")
struct CLILimitTests {
    @Test("ties log accepts --poll-ms at both of its bounds")
    func pollIntervalBounds() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        for value in [Limits.followPollMsMin, Limits.followPollMsMax] {
            let run = ledger.ties("log", "--poll-ms", String(value))
            #expect(run.status == CLI.ExitCode.ok, "\(run)")
        }
    }

    @Test("ties import commits the default batch size per commit unless told otherwise")
    func importBatchDefault() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let operations = [Op.define("order"), Op.register(Keys.placed)] + (0..<(Limits.importBatchDefault - 1)).map { Op.link(Keys.placed, "p\($0)", "o\($0)") }
        let lines = operations.map(Op.line)
        let file = try ledger.scratch.write("ops.jsonl", lines.joined(separator: "\n") + "\n")
        let run = ledger.ties("import", file)
        #expect(run.status == CLI.ExitCode.ok, "\(run)")
        let opened = try ledger.open()
        #expect(opened.headSeq == Int64(Limits.importBatchDefault + 1))
        // One full batch, then the last operation alone.
        #expect(try opened.stats().commits == 2)
    }
}
