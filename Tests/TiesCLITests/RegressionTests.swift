import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestExpectations
import TiesTestSupport

// Regressions: bugs found while writing the CLI tests (stale buffer indexes
// across reads in LineReader and LogScanner; `--` not ending options).

@Suite("regressions")
struct RegressionTests {
    // Bug 1: LineReader.nextLine keeps a stale `searchFrom` across fill().

    @Test func importCommitsEveryLineOfAFileAndReportsTotals() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let lines = [Op.line(Op.define("order")), Op.line(Op.register(Keys.placed, cardinality: .oneToMany))] + (1...5).map { Op.line(Op.link(Keys.placed, "p\($0)", "o-\($0)")) }
        let file = try ledger.scratch.write("ops.jsonl", lines.joined(separator: "\n") + "\n")
        let run = ledger.ties("import", file, "--batch", "2", "--json")
        #expect(run.status == CLI.ExitCode.ok, "\(run)")
        let statuses = try run.stdoutLines.map { try JSONParser.parse($0) }
        #expect(statuses.map { $0["status"]?.stringValue } == ["committed", "committed", "committed", "committed", "done"])
        let done = try #require(statuses.last)
        #expect(done["lines"] == .int(7))
        #expect(done["operations"] == .int(7))
        #expect(done["events"] == .int(7))
        #expect(done["commits"] == .int(4))
        #expect(done["lastSeq"] == .int(7))
        #expect(try ledger.open().headSeq == 7)

        let again = ledger.ties("import", file)
        #expect(again.status == CLI.ExitCode.ok, "\(again)")
        #expect(again.stdout.contains("7 already so (nothing appended)"))
    }

    @Test func atomicImportMakesTheWholeFileOneCommit() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let lines = [Op.line(Op.define("order")), Op.line(Op.register(Keys.placed, cardinality: .oneToMany)), Op.line(Op.link(Keys.placed, "ada", "o-1"))]
        let file = try ledger.scratch.write("ops.jsonl", lines.joined(separator: "\n") + "\n")
        let run = ledger.ties("import", file, "--atomic")
        #expect(run.status == CLI.ExitCode.ok, "\(run)")
        #expect(try ledger.logLines().count == 1)
        #expect(try ledger.open().headSeq == 3)
    }

    @Test func importKeepsLinesThatStraddleTheOneMebibyteReadChunk() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let links = (0..<8_000).map { Op.line(Op.link(Keys.placed, "p\($0 % 500)", "o-\($0)", ["n": .int(Int64($0))])) }
        let text = ([Op.line(Op.define("order")), Op.line(Op.register(Keys.placed, cardinality: .oneToMany))] + links).joined(separator: "\n") + "\n"
        try #require(text.utf8.count > 1 << 20)
        let file = try ledger.scratch.write("big.jsonl", text)
        let run = ledger.ties("import", file)
        #expect(run.status == CLI.ExitCode.ok, "\(run)")
        #expect(try ledger.open().headSeq == 8_002)
    }

    // Bug 2: LogScanner.nextLine has the same stale index across readChunk().

    @Test func aLostProjectionIsRebuiltWithoutCuttingOffAcknowledgedCommits() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.commitDirectly([Op.define("order"), Op.register(Keys.placed, cardinality: .oneToMany)])
        var batch = 0
        func logSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: ledger.logPath)[.size] as? Int ?? 0 }
        // Commits of ~10 KiB until the log passes the scanner's first 1 MiB read…
        while try logSize() < (1 << 20) + 1024 {
            try ledger.commitDirectly((0..<50).map { Op.link(Keys.placed, "p\(batch)", "o-\(batch)-\($0)") })
            batch += 1
        }
        // …then one ~1.5 MiB commit that covers the end of the second read.
        let note = JSONValue.string(String(repeating: "x", count: 40))
        let last = try ledger.commitDirectly((0..<9_000).map { Op.link(Keys.placed, "q\($0 % 100)", "big-\($0)", ["note": note]) })
        let acknowledged = try #require(last.lastSeq)
        try #require(try logSize() > 2 << 20)

        for file in ledger.projectionFiles where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.removeItem(atPath: file)
        }
        let warnings = CapturedText()
        let reopened = try Ledger.open(at: ledger.directory, access: .write, warn: { _ = warnings.append($0 + "\n") })
        #expect(reopened.headSeq == acknowledged, "acknowledged commits were cut off: \(warnings.value)")
        #expect(!warnings.value.contains("incomplete commit"), "\(warnings.value)")
    }

    // Bug 3: `--` does not end options (Arguments.swift).

    @Test func argumentsAfterADoubleDashAreNeverOptions() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let run = ledger.ties("define-type", "--", "--json")
        #expect(run.status == CLI.ExitCode.ok, "\(run)")
        #expect(run.stdout == "defined object type '--json' (seq 1)\n")
    }
}

extension ChildProcessTests {
    @Suite("regressions: binary")
    struct RegressionBinaryTests {
        @Test func importReadsManyLinesPipedToStandardInput() throws {
            let scratch = try TemporaryDirectory()
            defer { scratch.cleanUp() }
            let ledger = scratch.file("ledger")
            try #require(try runTiesBinary(["init", "--ledger", ledger]).status == 0)
            let input = ([Op.line(Op.define("order")), Op.line(Op.register(Keys.placed, cardinality: .oneToMany))] + (1...50).map { Op.line(Op.link(Keys.placed, "p\($0)", "o-\($0)")) })
                .joined(separator: "\n") + "\n"
            let run = try runTiesBinary(["import", "-", "--batch", "20", "--json", "--ledger", ledger], stdin: Data(input.utf8))
            #expect(run.exitedNormally && run.status == 0, "\(run.summary)")
            let done = try JSONParser.parse(try #require(run.stdout.completeLines.last))
            #expect(done["status"] == .string("done"))
            #expect(done["lines"] == .int(52))
            #expect(done["lastSeq"] == .int(52))
            #expect(done["commits"] == .int(3))
        }

        @Test func theBinaryPrintsALogLargerThanOneReadChunk() throws {
            let scratch = try TemporaryDirectory()
            defer { scratch.cleanUp() }
            let ledger = TestLedger(scratch: scratch)
            try #require(ledger.ties("init").status == 0)
            try ledger.commitDirectly([Op.define("order"), Op.register(Keys.placed, cardinality: .oneToMany)])
            for commit in 0..<16 {
                try ledger.commitDirectly((0..<1_000).map { Op.link(Keys.placed, "p\(commit)-\($0 % 50)", "o-\(commit)-\($0)") })
            }
            let logBytes = try #require(try FileManager.default.attributesOfItem(atPath: ledger.logPath)[.size] as? Int)
            try #require(logBytes > 2 << 20, "log is \(logBytes) bytes")
            let run = try runTiesBinary(["log", "--ledger", ledger.directory])
            #expect(run.exitedNormally && run.status == 0, "\(run.stderr.text)")
            #expect(run.stdout.completeLines.count == 17)
        }
    }
}
