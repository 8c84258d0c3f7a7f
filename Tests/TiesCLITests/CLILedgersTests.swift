import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesHTTP
import TiesStore
import TiesTestExpectations
import TiesTestSupport

/// `ties ledgers` and `ties keys --ledgers`: the directory of ledgers a
/// `ties serve --ledgers DIR` serves, managed from the command line.
@Suite("ties ledgers")
struct CLILedgersTests {
    /// A scratch directory of ledgers; `ties(…)` runs with `--ledgers DIR`.
    struct Tenants {
        let scratch: TemporaryDirectory
        var directory: String { scratch.path }

        init() throws { scratch = try TemporaryDirectory("ties-cli-ledgers-") }

        func ties(_ arguments: String...) -> CLIRun {
            runCLI([arguments[0], "--ledgers", directory] + arguments.dropFirst(), environment: ["TMPDIR": scratch.path])
        }

        @discardableResult
        func succeedJSON(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
            let run = runCLI([arguments[0], "--ledgers", directory] + arguments.dropFirst() + ["--json"], environment: ["TMPDIR": scratch.path])
            try #require(run.status == CLI.ExitCode.ok, "\(run)", sourceLocation: sourceLocation)
            return try run.json()
        }
    }

    @Test("create, list, retire and restore: a created ledger is an ordinary ledger, a retired one is moved aside whole")
    func lifeCycle() throws {
        let tenants = try Tenants()
        defer { tenants.scratch.cleanUp() }
        let created = tenants.ties("ledgers", "create", "acme")
        #expect(created.status == 0 && created.stdout == "created ledger 'acme' at \(tenants.directory)/acme\n", "\(created)")
        try tenants.succeedJSON("ledgers", "create", "beta")
        // An ordinary ledger: the usual commands work on DIR/NAME.
        let ledger = tenants.directory + "/acme"
        #expect(runCLI(["define-type", "order", "--ledger", ledger]).status == 0)
        #expect(try tenants.succeedJSON("ledgers", "list") == .object([
            "ledgers": .array([.object(["name": .string("acme")]), .object(["name": .string("beta")])]), "retired": .array([]),
        ]))

        let retired = try tenants.succeedJSON("ledgers", "retire", "acme")
        let entry = try #require(retired["entry"]?.stringValue)
        #expect(FileManager.default.fileExists(atPath: "\(tenants.directory)/.retired/\(entry)/log.jsonl"))
        let list = tenants.ties("ledgers", "list")
        #expect(list.stdoutLines == ["beta", "\(entry)  RETIRED (restore: ties ledgers restore \(entry))"], "\(list)")

        #expect(try tenants.succeedJSON("ledgers", "restore", "acme", "--as", "acme-2")["name"]?.stringValue == "acme-2")
        let stats = runCLI(["stats", "--ledger", tenants.directory + "/acme-2", "--json"])
        #expect(try stats.json()["headSeq"] == .int(1), "\(stats)")
        #expect(try tenants.succeedJSON("ledgers", "list")["retired"] == .array([]))
    }

    @Test("each mistake has its code and exit status")
    func mistakes() throws {
        let tenants = try Tenants()
        defer { tenants.scratch.cleanUp() }
        try tenants.succeedJSON("ledgers", "create", "acme")
        #expect(runCLI(["ledgers", "list"]).status == CLI.ExitCode.usage)
        for name in ["Acme", "a b", "..", String(repeating: "x", count: 65)] {
            let run = tenants.ties("ledgers", "create", name)
            #expect(run.status == CLI.ExitCode.usage && run.stderr.contains("1–64 characters of a-z, 0-9, - and _"), "\(run)")
        }
        #expect(tenants.ties("ledgers", "shred", "acme").status == CLI.ExitCode.usage)
        #expect(tenants.ties("ledgers", "create").status == CLI.ExitCode.usage)

        let again = tenants.ties("ledgers", "create", "acme", "--json")
        #expect(again.status == CLI.ExitCode.rejected, "\(again)")
        #expect(try again.errorJSON()["error"]?["code"] == .string("ledger_exists"), "\(again)")
        let missing = tenants.ties("ledgers", "retire", "nope", "--json")
        #expect(try missing.errorJSON()["error"]?["code"] == .string("ledger_not_found"), "\(missing)")
        let noRetired = tenants.ties("ledgers", "restore", "nope", "--json")
        #expect(try noRetired.errorJSON()["error"]?["code"] == .string("ledger_not_found"), "\(noRetired)")
        let noDirectory = runCLI(["ledgers", "list", "--ledgers", tenants.directory + "/absent", "--json"])
        #expect(noDirectory.status == CLI.ExitCode.damaged, "\(noDirectory)")
        #expect(try noDirectory.errorJSON()["error"]?["code"] == .string("ledger_not_found"), "\(noDirectory)")

        // A ledger open for writing (here by this process, as a running server or CLI would hold it) is not retired.
        let writer = try Ledger.open(at: tenants.directory + "/acme", access: .write)
        let busy = tenants.ties("ledgers", "retire", "acme", "--json")
        #expect(try busy.errorJSON()["error"]?["code"] == .string("ledger_busy"), "\(busy)")
        withExtendedLifetime(writer) {}
        #expect(FileManager.default.fileExists(atPath: tenants.directory + "/acme/log.jsonl"))
    }

    @Test("ties keys --ledgers makes server-wide admin keys only, in DIR/keys.json")
    func serverWideKeys() throws {
        let tenants = try Tenants()
        defer { tenants.scratch.cleanUp() }
        let created = try tenants.succeedJSON("keys", "create", "--name", "ops", "--role", "admin")
        let token = try #require(created["key"]?.stringValue)
        #expect(try LedgerSet(directory: tenants.directory).keys.authenticate(token)?.name == "ops")
        let read = tenants.ties("keys", "create", "--name", "peek", "--role", "read")
        #expect(read.status == CLI.ExitCode.usage && read.stderr.contains("server-wide keys are admin keys"), "\(read)")
        let both = runCLI(["keys", "list", "--ledgers", tenants.directory, "--ledger", tenants.directory + "/x"])
        #expect(both.status == CLI.ExitCode.usage, "\(both)")
        #expect(tenants.ties("keys", "list").stdoutLines.first?.hasPrefix("ops  admin") == true)
        #expect(try tenants.succeedJSON("keys", "revoke", "ops")["revoked"] == .bool(true))
        #expect(try LedgerSet(directory: tenants.directory).keys.authenticate(token) == nil)
    }

    @Test("ties serve: --ledgers and --ledger are one or the other; --max-open-ledgers goes with --ledgers, within its bounds")
    func serveOptions() throws {
        let tenants = try Tenants()
        defer { tenants.scratch.cleanUp() }
        for arguments in [["serve", "--ledgers", tenants.directory, "--ledger", tenants.directory],
                          ["serve", "--max-open-ledgers", "10", "--ledger", tenants.directory],
                          ["serve", "--ledgers", tenants.directory, "--max-open-ledgers", "0"],
                          ["serve", "--ledgers", tenants.directory, "--max-open-ledgers", String(Limits.openLedgersMax + 1)]] {
            let run = runCLI(arguments)
            #expect(run.status == CLI.ExitCode.usage, "\(run)")
        }
    }

    @Test("CLI writes to a ledger a --ledgers server has open are handed to it; to one it has closed, made locally; both are served")
    func cliWritesBesideAServerOfManyLedgers() throws {
        let tenants = try Tenants()
        defer { tenants.scratch.cleanUp() }
        try tenants.succeedJSON("ledgers", "create", "acme")
        try tenants.succeedJSON("ledgers", "create", "beta")
        let token = try LedgerSet(directory: tenants.directory).keys.create(name: "ops", role: .admin, now: Ledger.clock())
        let server = try LedgersServer(directory: tenants.directory, configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
                                       log: { _ in })
        server.start()
        defer { server.stop(graceMs: 30_000) }
        func head(_ name: String) throws -> Int64? {
            let client = try HTTPTestClient(port: server.port)
            defer { client.close() }
            return try client.exchange(HTTPWire.request("GET", "/v1/ledgers/\(name)/health", token: token)).json["headSeq"].int
        }
        // acme is open (the server holds its writer lock): the CLI hands its write over.
        #expect(try head("acme") == 0)
        #expect(FileManager.default.fileExists(atPath: tenants.directory + "/acme/serve.sock"))
        let handed = runCLI(["define-type", "order", "--ledger", tenants.directory + "/acme"])
        #expect(handed.status == CLI.ExitCode.ok, "\(handed)")
        #expect(try head("acme") == 1)
        // beta is not open: the CLI opens it itself, and the server then serves what it wrote.
        #expect(!FileManager.default.fileExists(atPath: tenants.directory + "/beta/serve.sock"))
        let local = runCLI(["define-type", "order", "--ledger", tenants.directory + "/beta"])
        #expect(local.status == CLI.ExitCode.ok, "\(local)")
        #expect(try head("beta") == 1)
    }
}
