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
    /// Scalars a terminal acts on rather than shows: C0 (CR, LF, ESC, …),
    /// DEL, C1 (U+009B is a one-character CSI) and the bidi overrides and
    /// isolates that reorder what is shown.
    static func isTerminalControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Text that must reach a terminal as it is: nothing but line breaks between lines.
    static func rawControls(in text: String) -> [String] {
        text.unicodeScalars.filter { $0 != "\n" && isTerminalControl($0) }.map { "U+" + String($0.value, radix: 16, uppercase: true) }
    }

    /// IDs, a description, an attribute value and a reason that carry escape
    /// sequences, a forged history line, C1 and a right-to-left override.
    static let forgedLine = "\nseq 999  2030-01-01T00:00:00Z  by admin"
    static let hostileIDs = ["ada\u{1B}[2J\u{1B}[31m", "bob\r\(forgedLine)", "eve\u{9B}31m\u{7F}", "mallory\u{202E}txt.exe"]

    @Test("Human output of show, history, types, stats, snapshots and keys shows control characters as visible escapes, never raw")
    func humanOutputEscapesControlCharacters() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.commitDirectly([Op.define("order", description: "A purchase\u{1B}]0;owned\u{07}"), Op.register(Keys.placed, description: "bidi \u{2066}x\u{2069}")])
        for (index, id) in Self.hostileIDs.enumerated() {
            try ledger.commitDirectly([Op.link(Keys.placed, id, "o-\(index)\u{1B}[1A", ["note": .string("n\u{1B}[0m\u{85}")])])
        }
        _ = try ledger.succeed("set-attr", "placed/order", "person:" + Self.hostileIDs[0], "order:o-0\u{1B}[1A",
                               "--attr", "status=x\u{1B}[5m", "--reason", "because\u{1B}[8m\r\(Self.forgedLine)")
        try ledger.succeed("snapshot")

        var runs: [CLIRun] = []
        for id in Self.hostileIDs {
            runs.append(try ledger.succeed("show", "person:" + id))
            runs.append(try ledger.succeed("history", "person:" + id))
        }
        runs.append(try ledger.succeed("types"))
        runs.append(try ledger.succeed("stats"))
        runs.append(try ledger.succeed("snapshots"))
        runs.append(try ledger.succeed("verify"))
        // Errors name what was asked for: stderr is a terminal too.
        runs.append(ledger.ties("unlink", "placed/order", "person:nobody\u{1B}[31m", "order:none\r\(Self.forgedLine)"))
        runs.append(ledger.ties("show", "nocolon\u{1B}[31m"))
        runs.append(ledger.ties("frobnicate\u{1B}[31m"))
        for run in runs {
            #expect(Self.rawControls(in: run.stdout).isEmpty, "raw \(Self.rawControls(in: run.stdout)) on stdout of \(run)")
            #expect(Self.rawControls(in: run.stderr).isEmpty, "raw \(Self.rawControls(in: run.stderr)) on stderr of \(run)")
        }

        // Escaped, the forged line stays inside the entry that carries it.
        let history = try ledger.succeed("history", "person:" + Self.hostileIDs[0])
        #expect(!history.stdoutLines.contains { $0.hasPrefix("seq 999") }, "\(history)")
        #expect(history.stdout.contains(#"because\u{1B}[8m\r\nseq 999"#), "\(history)")
        let show = try ledger.succeed("show", "person:" + Self.hostileIDs[1])
        #expect(show.stdoutLines.first?.hasPrefix(#"person:bob\r\nseq 999"#) == true, "\(show)")
        #expect(show.stdoutLines.count == 2, "\(show)")
    }

    @Test("--json output keeps IDs exactly as stored, escaped as JSON")
    func jsonOutputIsUnchanged() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.commitDirectly([Op.define("order"), Op.register(Keys.placed)])
        let id = Self.hostileIDs[1]
        try ledger.commitDirectly([Op.link(Keys.placed, id, "o-1")])
        let shown = try ledger.succeedJSON("show", "person:" + id)
        #expect(shown["record"]?.stringValue == "person:" + id, "\(shown)")
    }

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
