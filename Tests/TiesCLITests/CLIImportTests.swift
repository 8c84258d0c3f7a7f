import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestSupport

/// `ties import` from files, in-process. Each failing input here stops
/// before the end of its file, on a line followed by a newline.
@Suite("ties import, in-process")
struct CLIImportTests {
    private func write(_ ledger: TestLedger, _ lines: [String]) throws -> String {
        try ledger.scratch.write("ops.jsonl", lines.joined(separator: "\n") + "\n")
    }

    private func linkExists(_ ledger: TestLedger, person: String, order: String) throws -> Bool {
        let view = try ledger.open().relationships(of: RecordRef(type: "person", id: person))
        return view.links.contains { $0.to == RecordRef(type: "order", id: order) }
    }

    @Test func aLineThatIsNotJSONStopsTheImportNamingTheLineAndWhatWasCommitted() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let file = try write(ledger, [
            Op.line(Op.define("order")), Op.line(Op.register(Keys.placed, cardinality: .oneToMany)),
            Op.line(Op.link(Keys.placed, "ada", "o-1")), Op.line(Op.link(Keys.placed, "bob", "o-2")),
            #"{"op":"link","#,
            Op.line(Op.link(Keys.placed, "carl", "o-3")),
        ])
        let run = ledger.ties("import", file, "--batch", "2")
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")
        #expect(run.stderr.contains("ties: error: invalid_json: line 5: not valid JSON"))
        #expect(run.stderr.contains("lines 1–4 are committed (seq 1–4, 2 commits); lines 5–5 and after were not."))
        #expect(try ledger.open().headSeq == 4)
        #expect(try linkExists(ledger, person: "bob", order: "o-2"))
        #expect(try !linkExists(ledger, person: "carl", order: "o-3"))
    }

    private func cardinalityBreakingLines() -> [String] {
        [
            Op.line(Op.define("order")), Op.line(Op.register(Keys.placed, cardinality: .oneToMany)), Op.line(Op.link(Keys.placed, "ada", "o-1")),
            Op.line(Op.link(Keys.placed, "bob", "o-2")),
            Op.line(Op.link(Keys.placed, "grace", "o-1")),
            Op.line(Op.link(Keys.placed, "carl", "o-3")),
            Op.line(Op.link(Keys.placed, "dan", "o-4")),
        ]
    }

    @Test func aRuleRejectionNamesItsLineAndLeavesItsWholeBatchUncommitted() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let file = try write(ledger, cardinalityBreakingLines())
        let run = ledger.ties("import", file, "--batch", "3")
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")
        #expect(run.stderr.contains("ties: error: cardinality_violation: line 5: "))
        #expect(run.stderr.contains("lines 1–3 are committed (seq 1–3, 1 commits); lines 4–5 and after were not."))
        #expect(run.stdout.isEmpty)
        #expect(try ledger.open().headSeq == 3)
        // Line 4 was valid but shared the rejected commit.
        #expect(try !linkExists(ledger, person: "bob", order: "o-2"))
        #expect(try linkExists(ledger, person: "ada", order: "o-1"))
    }

    @Test func withJSONEachCommitAndTheFailureAreReportedAsJSON() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let file = try write(ledger, cardinalityBreakingLines())
        let run = ledger.ties("import", file, "--batch", "3", "--json")
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")

        let lines = try run.stdoutLines.map { try JSONParser.parse($0) }
        try #require(lines.count == 2, "\(run)")
        #expect(lines[0]["status"] == .string("committed"))
        #expect(lines[0]["firstSeq"] == .int(1))
        #expect(lines[0]["lastSeq"] == .int(3))
        #expect(lines[0]["commits"] == .int(1))
        #expect(lines[0]["events"] == .int(3))
        #expect(lines[0]["committedThroughLine"] == .int(3))
        #expect(lines[1]["status"] == .string("failed"))
        #expect(lines[1]["committedThroughLine"] == .int(3))
        #expect(lines[1]["lastSeq"] == .int(3))

        let error = try #require(try run.errorJSON()["error"])
        #expect(error["code"] == .string("cardinality_violation"))
        #expect(error["line"] == .int(5))
        #expect(error["message"]?.stringValue?.hasPrefix("line 5: ") == true)
    }

    @Test func blankLinesCountInLineNumbersAndNothingIsCommittedBeforeTheFirstBatchEnds() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let file = try write(ledger, [Op.line(Op.define("order")), "", "   ", "not json", Op.line(Op.register(Keys.placed, cardinality: .oneToMany))])
        let run = ledger.ties("import", file)
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")
        #expect(run.stderr.contains("invalid_json: line 4: "))
        #expect(run.stderr.contains("nothing from this input was committed."))
        #expect(try ledger.open().headSeq == 0)
    }

    @Test func anUnknownOperationIsRejectedWithItsLine() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let file = try write(ledger, [Op.line(Op.define("order")), #"{"op":"frobnicate"}"#, Op.line(Op.register(Keys.placed, cardinality: .oneToMany))])
        let run = ledger.ties("import", file, "--json")
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")
        let error = try #require(try run.errorJSON()["error"])
        #expect(error["code"] == .string("invalid_field"))
        #expect(error["line"] == .int(2))
        #expect(try JSONParser.parse(try #require(run.stdoutLines.last))["status"] == .string("failed"))
    }

    @Test func atomicImportCommitsNothingWhenALineIsBad() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let file = try write(ledger, [Op.line(Op.define("order")), Op.line(Op.register(Keys.placed, cardinality: .oneToMany)), "{", Op.line(Op.link(Keys.placed, "ada", "o-1"))])
        let run = ledger.ties("import", file, "--atomic", "--batch", "1")
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")
        #expect(run.stderr.contains("line 3"))
        #expect(run.stderr.contains("nothing from this input was committed."))
        #expect(try ledger.open().headSeq == 0)
    }

    @Test func atomicImportRefusesMoreOperationsThanOneCommitHolds() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let lines = (1...(Limits.operationsPerCommitMax + 2)).map { Op.line(Op.define("t\($0)")) }
        let file = try write(ledger, lines)
        let run = ledger.ties("import", file, "--atomic", "--json")
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")
        let error = try #require(try run.errorJSON()["error"])
        #expect(error["code"] == .string("invalid_field"))
        #expect(error["line"] == .int(Int64(Limits.operationsPerCommitMax + 1)))
        #expect(try ledger.open().headSeq == 0)
    }

    @Test func aSingleOperationWithoutATrailingNewlineIsImported() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let file = try ledger.scratch.write("one.jsonl", Op.line(Op.define("order")))
        let run = ledger.ties("import", file, "--json")
        #expect(run.status == CLI.ExitCode.ok, "\(run)")
        let lines = try run.stdoutLines.map { try JSONParser.parse($0) }
        try #require(lines.count == 2, "\(run)")
        #expect(lines[0]["status"] == .string("committed"))
        #expect(lines[1]["status"] == .string("done"))
        #expect(lines[1]["lines"] == .int(1))
        #expect(lines[1]["operations"] == .int(1))
        #expect(lines[1]["events"] == .int(1))
        #expect(lines[1]["commits"] == .int(1))
        #expect(lines[1]["unchanged"] == .int(0))
        #expect(lines[1]["firstSeq"] == .int(1))
        #expect(lines[1]["lastSeq"] == .int(1))

        let again = ledger.ties("import", file)
        #expect(again.status == CLI.ExitCode.ok, "\(again)")
        #expect(again.stdout.hasPrefix("imported 1 lines: 1 operations → 0 events in 0 commits; 1 already so (nothing appended);"))
        #expect(try ledger.open().headSeq == 1)
    }

    @Test func anInputFileThatCannotBeOpenedIsAnErrorNamingIt() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let missing = ledger.scratch.file("no-such-file.jsonl")
        let run = ledger.ties("import", missing)
        #expect(run.status != CLI.ExitCode.ok, "\(run)")
        #expect(run.stderr.contains(missing))
        #expect(try ledger.open().headSeq == 0)
    }

    @Test func importIntoAMissingLedgerIsExitThree() throws {
        let ledger = try TestLedger.make(initialized: false)
        defer { ledger.remove() }
        let file = try ledger.scratch.write("one.jsonl", Op.line(Op.define("order")))
        let run = ledger.ties("import", file)
        #expect(run.status == CLI.ExitCode.damaged, "\(run)")
        #expect(run.stderr.contains("ledger_not_found"))
    }
}
