import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

extension ChildProcessTests {
    /// The real `ties` executable: `main.swift`, real stdout/stderr, real exit statuses.
    @Suite("the built ties binary")
    struct BuiltBinaryTests {
        @Test func theBuiltBinaryCanBeFound() throws {
            let url = try TiesExecutable.url()
            #expect(url.lastPathComponent == "ties")
        }

        @Test func theBinaryExitsWithTheDocumentedCodes() throws {
            let scratch = try TemporaryDirectory()
            defer { scratch.cleanUp() }
            let ledger = scratch.file("ledger")

            let overview = try runTiesBinary([])
            #expect(overview.exitedNormally && overview.status == 0, "\(overview.summary)")
            #expect(overview.stdout.text.contains("USAGE\n  ties COMMAND"))

            let unknown = try runTiesBinary(["lnk"])
            #expect(unknown.exitedNormally && unknown.status == 2, "\(unknown.summary)")
            #expect(unknown.stderr.text.contains("did you mean 'link'?"))
            #expect(unknown.stdout.text.isEmpty)

            let missing = try runTiesBinary(["stats", "--ledger", ledger])
            #expect(missing.exitedNormally && missing.status == 3, "\(missing.summary)")
            #expect(missing.stderr.text.contains("ledger_not_found"))

            let created = try runTiesBinary(["init", "--ledger", ledger])
            #expect(created.exitedNormally && created.status == 0, "\(created.summary)")
            let again = try runTiesBinary(["init", "--ledger", ledger])
            #expect(again.exitedNormally && again.status == 1, "\(again.summary)")

            let badOption = try runTiesBinary(["show", "person:ada", "--as-off", "3", "--ledger", ledger])
            #expect(badOption.exitedNormally && badOption.status == 2, "\(badOption.summary)")
            #expect(badOption.stderr.text.contains("did you mean --as-of?"))
        }

        @Test func jsonOutputAndJSONErrorsHaveTheirDocumentedShapes() throws {
            let scratch = try TemporaryDirectory()
            defer { scratch.cleanUp() }
            let ledger = scratch.file("ledger")
            try #require(try runTiesBinary(["init", "--ledger", ledger]).status == 0)

            let defined = try runTiesBinary(["define-type", "order", "--json", "--ledger", ledger])
            #expect(defined.status == 0, "\(defined.summary)")
            #expect(defined.stdout.text.hasSuffix("}\n"))
            #expect(defined.stdout.completeLines.count == 1)
            let definedJSON = try JSONParser.parse(defined.stdout.text)
            #expect(definedJSON["created"] == .bool(true))
            #expect(definedJSON["seq"] == .int(1))

            let registered = try runTiesBinary(["register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order",
                                                "--cardinality", "ONE_TO_ONE", "--json", "--ledger", ledger])
            #expect(registered.status == 0, "\(registered.summary)")
            let type = try JSONParser.parse(registered.stdout.text)
            #expect(type["relationshipTypeId"]?.stringValue?.hasPrefix("rt_") == true)
            #expect(type["customObjectType"] == .string("order"))
            #expect(type["created"] == .bool(true))

            let linked = try runTiesBinary(["link", "placed/order", "person:ada", "order:eu:17", "--attr", "n=3", "--json", "--ledger", ledger])
            #expect(linked.status == 0, "\(linked.summary)")
            #expect(try JSONParser.parse(linked.stdout.text)["to"] == .string("order:eu:17"))

            let refused = try runTiesBinary(["link", "placed/order", "person:ada", "order:o-2", "--json", "--ledger", ledger])
            #expect(refused.exitedNormally && refused.status == 1, "\(refused.summary)")
            #expect(refused.stdout.text.isEmpty)
            let error = try JSONParser.parse(refused.stderr.text)
            #expect(error["error"]?["code"] == .string("cardinality_violation"))

            let refusedText = try runTiesBinary(["link", "placed/order", "person:ada", "order:o-2", "--ledger", ledger])
            #expect(refusedText.status == 1, "\(refusedText.summary)")
            #expect(refusedText.stderr.text.hasPrefix("ties: error: cardinality_violation: ONE_TO_ONE"))

            let show = try runTiesBinary(["show", "order:eu:17", "--json", "--ledger", ledger])
            #expect(show.status == 0, "\(show.summary)")
            let view = try JSONParser.parse(show.stdout.text)
            #expect(view["record"] == .string("order:eu:17"))
            #expect(view["relationships"] == .array([]))  // placed is not bidirectional
        }

        @Test func theLedgerEnvironmentVariableReachesTheBinary() throws {
            let scratch = try TemporaryDirectory()
            defer { scratch.cleanUp() }
            let environment = ["TIES_LEDGER": scratch.file("env-ledger")]
            let created = try runTiesBinary(["init"], environment: environment)
            #expect(created.status == 0, "\(created.summary)")
            let stats = try runTiesBinary(["stats", "--json"], environment: environment)
            #expect(stats.status == 0, "\(stats.summary)")
            #expect(try JSONParser.parse(stats.stdout.text)["headSeq"] == .int(0))
        }

        @Test func helpWorksOnTheBinaryForEveryCommand() throws {
            for command in CLI.commands.map(\.spec) {
                let run = try runTiesBinary([command.name, "--help"])
                #expect(run.exitedNormally && run.status == 0, "\(run.summary)")
                #expect(run.stdout.text.contains("USAGE\n  \(command.usage)\n"))
            }
        }

        @Test func importReadsStandardInputWithDashAndWithNoFile() throws {
            let scratch = try TemporaryDirectory()
            defer { scratch.cleanUp() }
            let ledger = scratch.file("ledger")
            try #require(try runTiesBinary(["init", "--ledger", ledger]).status == 0)

            let dash = try runTiesBinary(["import", "-", "--json", "--ledger", ledger], stdin: Data(Op.line(Op.define("order")).utf8))
            #expect(dash.exitedNormally && dash.status == 0, "\(dash.summary)")
            let done = try JSONParser.parse(try #require(dash.stdout.completeLines.last))
            #expect(done["status"] == .string("done"))
            #expect(done["lastSeq"] == .int(1))

            let implicit = try runTiesBinary(["import", "--ledger", ledger], stdin: Data(Op.line(Op.register(Keys.placed, cardinality: .oneToMany)).utf8))
            #expect(implicit.exitedNormally && implicit.status == 0, "\(implicit.summary)")
            #expect(implicit.stdout.text.hasPrefix("imported 1 lines: 1 operations → 1 events in 1 commits (seq 2–2)"))
        }

        @Test func aBadLineOnStandardInputStopsTheImportWithItsLineNumber() throws {
            let scratch = try TemporaryDirectory()
            defer { scratch.cleanUp() }
            let ledger = scratch.file("ledger")
            try #require(try runTiesBinary(["init", "--ledger", ledger]).status == 0)
            let input = [Op.line(Op.define("order")), Op.line(Op.register(Keys.placed, cardinality: .oneToMany)), Op.line(Op.link(Keys.placed, "ada", "o-1")), "{oops", Op.line(Op.define("order"))]
                .joined(separator: "\n") + "\n"

            let run = try runTiesBinary(["import", "-", "--batch", "2", "--ledger", ledger], stdin: Data(input.utf8))
            #expect(run.exitedNormally && run.status == 1, "\(run.summary)")
            #expect(run.stderr.text.contains("invalid_json: line 4: "))
            #expect(run.stderr.text.contains("lines 1–2 are committed (seq 1–2, 1 commits); lines 3–4 and after were not."))

            let stats = try runTiesBinary(["stats", "--json", "--ledger", ledger])
            #expect(try JSONParser.parse(stats.stdout.text)["headSeq"] == .int(2))
        }

        @Test func logPipedIntoHeadStopsCleanlyWhenTheReaderGoesAway() throws {
            let scratch = try TemporaryDirectory()
            defer { scratch.cleanUp() }
            let ledger = TestLedger(scratch: scratch)
            try #require(ledger.ties("init").status == 0)
            try ledger.commitDirectly([Op.define("order"), Op.register(Keys.placed, cardinality: .oneToMany)])
            // Forty commits of about 4 KiB: more than twice what a pipe buffer holds.
            for commit in 0..<40 {
                try ledger.commitDirectly((0..<30).map { Op.link(Keys.placed, "p\(commit)", "o-\(commit)-\($0)", ["n": .int(Int64($0))]) })
            }
            let logBytes = try #require(try FileManager.default.attributesOfItem(atPath: ledger.logPath)[.size] as? Int)
            try #require(logBytes > 128 * 1024 && logBytes < 1 << 20, "log is \(logBytes) bytes")

            let statusFile = scratch.file("ties-status")
            let script = #"{ "$0" log --ledger "$1"; echo $? > "$2"; } | head -n 1"#
            let shell = try ChildProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", script, try TiesExecutable.url().path, ledger.directory, statusFile])
            #expect(shell.wait(seconds: 120), "`ties log | head -n 1` did not finish within 120 s: \(shell.summary)")

            let lines = shell.stdout.completeLines
            #expect(lines.count == 1)
            let first = try JSONParser.parse(try #require(lines.first))
            #expect(first["firstSeq"] == .int(1))
            #expect(first["prev"] == .string(genesisHash))
            let status = try String(contentsOfFile: statusFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(status == "0", "ties log ended with status \(status) after its reader went away (141 = killed by SIGPIPE)")
        }

        @Test func logFollowPrintsNewCommitsAsTheyArrive() throws {
            let scratch = try TemporaryDirectory()
            defer { scratch.cleanUp() }
            let ledger = TestLedger(scratch: scratch)
            try #require(ledger.ties("init").status == 0)
            _ = try ledger.defineShop()

            let follower = try ChildProcess(ties: ["log", "--follow", "--poll-ms", "20", "--ledger", ledger.directory])
            defer {
                follower.kill(.kill)
                _ = follower.wait(seconds: 60)
            }
            func waitForLines(_ count: Int) -> [String] {
                _ = Wait.until(pollMs: 10) { follower.stdout.completeLines.count >= count || !follower.isRunning }
                return follower.stdout.completeLines
            }
            #expect(waitForLines(4).count == 4, "\(follower.summary)")

            try ledger.succeed("link", "placed/order", "person:ada", "order:o-1")
            try ledger.succeed("link", "placed/order", "person:bob", "order:o-2")
            let lines = waitForLines(6)
            try #require(lines.count == 6, "\(follower.summary)")
            let last = try JSONParser.parse(lines[5])
            #expect(last["firstSeq"] == .int(6))
            #expect(last["prev"] == (try JSONParser.parse(lines[4])["hash"]))
            #expect(follower.isRunning, "--follow should keep waiting")
        }

        @Test func aDamagedLogIsExitThreeFromTheBinaryToo() throws {
            let scratch = try TemporaryDirectory()
            defer { scratch.cleanUp() }
            let ledger = TestLedger(scratch: scratch)
            try #require(ledger.ties("init").status == 0)
            try ledger.commitDirectly([Op.define("order")])
            try ledger.commitDirectly([Op.register(Keys.placed, cardinality: .oneToMany)])
            try ledger.commitDirectly([Op.link(Keys.placed, "ada", "o-1")])
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ledger.logPath)))
            let firstNewline = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
            bytes[firstNewline + 40] ^= 0x02
            try Data(bytes).write(to: URL(fileURLWithPath: ledger.logPath))
            for file in ledger.projectionFiles where FileManager.default.fileExists(atPath: file) {
                try FileManager.default.removeItem(atPath: file)
            }
            let run = try runTiesBinary(["show", "person:ada", "--ledger", ledger.directory])
            #expect(run.exitedNormally && run.status == 3, "\(run.summary)")
            #expect(run.stderr.text.contains("byte offset \(firstNewline + 1)"))
            #expect(run.stderr.text.contains("seq 2"))
        }
    }
}
