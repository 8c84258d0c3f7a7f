import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestExpectations
import TiesTestSupport

// What an attacker who can write to a ledger (over HTTP, or by planting
// files in its directory) can make the command line do: print terminal
// escape sequences, or write through a symbolic link to a file elsewhere.

@Suite("hostile input to the command line")
struct HostileInputTests {
    @Test("A log.jsonl that is a symbolic link to a file outside the ledger is refused (exit 3, naming it) and the file is left untouched")
    func symlinkedLogIsRefused() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.commitDirectly([Op.define("order"), Op.register(Keys.placed)])
        let outside = try ledger.scratch.write("precious.txt", "not a log, and not Ties's to touch\n")
        let before = try Data(contentsOf: URL(fileURLWithPath: outside))
        try FileManager.default.removeItem(atPath: ledger.logPath)
        try FileManager.default.createSymbolicLink(atPath: ledger.logPath, withDestinationPath: outside)
        for file in ledger.projectionFiles where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.removeItem(atPath: file)
        }

        for arguments in [["link", "placed/order", "person:ada", "order:o-1"], ["show", "person:ada"], ["verify"], ["log"]] {
            let run = ledger.ties(arguments)
            #expect(run.status == CLI.ExitCode.damaged, "\(run)")
            #expect(run.stderr.contains("log.jsonl") && run.stderr.contains("symbolic link"), "\(run)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside)) == before)
    }

    @Test("A projection.sqlite that is a symbolic link is refused rather than written through")
    func symlinkedProjectionIsRefused() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.commitDirectly([Op.define("order")])
        let outside = try ledger.scratch.write("elsewhere.sqlite", "")
        for file in ledger.projectionFiles where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.removeItem(atPath: file)
        }
        try FileManager.default.createSymbolicLink(atPath: ledger.projectionFiles[0], withDestinationPath: outside)

        let run = ledger.ties("define-type", "line_item")
        #expect(run.status == CLI.ExitCode.damaged, "\(run)")
        #expect(run.stderr.contains("projection.sqlite") && run.stderr.contains("symbolic link"), "\(run)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside)).isEmpty)
    }
}

extension ChildProcessTests {
    @Suite("hostile input to the built binary")
    struct HostileArgumentTests {
        /// Runs the built `ties` through `sh`, whose `printf` can put bytes
        /// that are not UTF-8 into an argument (Foundation's `Process` cannot).
        func runThroughShell(_ script: String, _ arguments: [String]) throws -> ChildProcess {
            let child = try ChildProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", script, try TiesExecutable.url().path] + arguments)
            #expect(child.wait(seconds: 60), "ties did not finish within 60 s")
            return child
        }

        @Test("An argument that is not valid UTF-8 is a usage error (exit 2) naming its position, and nothing is stored")
        func invalidUTF8ArgumentIsRefused() throws {
            let scratch = try TemporaryDirectory()
            defer { scratch.cleanUp() }
            let ledger = scratch.file("ledger")
            try #require(try runTiesBinary(["init", "--ledger", ledger]).status == 0)
            try #require(try runTiesBinary(["define-type", "order", "--ledger", ledger]).status == 0)
            try #require(try runTiesBinary(["register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order", "--ledger", ledger]).status == 0)

            let link = try runThroughShell(#"exec "$0" link placed/order "$(printf 'person:bad\377')" order:o-1 --ledger "$1""#, [ledger])
            #expect(link.exitedNormally && link.status == 2, "\(link.summary)")
            #expect(link.stderr.text.contains("argument 3") && link.stderr.text.contains("UTF-8"), "\(link.summary)")
            let stats = try runTiesBinary(["stats", "--json", "--ledger", ledger])
            #expect(try JSONParser.parse(stats.stdout.text)["currentLinks"] == .int(0), "\(stats.summary)")

            let json = try runThroughShell(#"exec "$0" show "$(printf 'person:\300\257')" --json --ledger "$1""#, [ledger])
            #expect(json.exitedNormally && json.status == 2, "\(json.summary)")
            let error = try JSONParser.parse(json.stderr.text)
            #expect(error["error"]?["code"] == .string("usage"), "\(json.summary)")
        }
    }
}
