import TiesCore
import TiesHTTP
import TiesStore
import TiesSystem

struct ServeCommand: Command {
    static let spec = CommandSpec(
        name: "serve", summary: "serve the HTTP API (default 127.0.0.1:8080)",
        options: [
            .value("host", "H", "address to listen on (default 127.0.0.1; ::1 for IPv6 loopback)"),
            .value("port", "P", "port (default 8080; 0 picks a free one)"),
            CommonOptions.ledger,
            .value("ledgers", "DIR", "serve every ledger DIR/NAME at /v1/ledgers/NAME instead of one ledger"),
            .value("max-open-ledgers", "N", "with --ledgers: the most ledgers open at once (default \(Limits.openLedgersDefault), at most \(Limits.openLedgersMax))"),
        ],
        discussion: """
            Serves the Ties HTTP API over HTTP/1.1 with JSON in and out. Every endpoint but GET /v1/health
            needs `Authorization: Bearer KEY` (create keys with `ties keys create`). Concurrent
            writes are group-committed: one fsync answers many. One access-log line per request
            goes to stderr (method, path, status, duration, key name; never bodies or keys).
            Per-key rate limits (config.json "rateLimits", read at start, and `ties keys create
            --read-rate/--write-rate`) answer a key over its limit with 429 and Retry-After.
            While it runs, CLI writes on the same ledger (link, import, …) are handed to it through
            serve.sock, an owner-only Unix socket in the ledger directory, and answer as usual.
            SIGTERM or Ctrl-C stops accepting, lets in-flight requests finish and exits 0.
            The document of the API is served at /v1/openapi.json, and a web console for people at /
            (open http://127.0.0.1:8080/ in a browser and paste a key; see the Console article of the
            TiesHTTP catalog, Sources/TiesHTTP/TiesHTTP.docc/Console.md).
            With --ledgers DIR it serves many ledgers, one per tenant: each DIR/NAME at
            /v1/ledgers/NAME (the same API), opened at its first request and closed after
            \(Limits.ledgerIdleCloseMs / 60_000) idle minutes or to make room (at most --max-open-ledgers at once, each
            holding up to \(Limits.descriptorsPerOpenLedger) file descriptors and 3 SQLite connections each to its projection and key store). Server-wide admin keys
            (`ties keys create --ledgers DIR --role admin`) create, list and retire ledgers over
            HTTP and act as admin in every one; a ledger's own keys work under its prefix only.
            See the Ledgers article of the TiesHTTP catalog (Sources/TiesHTTP/TiesHTTP.docc/Ledgers.md).
            """,
        examples: ["ties serve --ledger ./crm-ledger", "ties serve --port 9090 &  curl -s localhost:9090/v1/health",
                   "ties serve --ledgers ./tenants --max-open-ledgers 1000"])

    static func run(_ context: Context) throws -> Int32 {
        var configuration = HTTPServerConfiguration()
        configuration.host = context.arguments.value("host") ?? configuration.host
        configuration.port = UInt16(try context.arguments.integer("port", in: 0...65_535, command: spec.name) ?? 8080)
        let console = context.console
        if let directory = context.arguments.value("ledgers") {
            guard context.arguments.value("ledger") == nil else { throw context.usage("use --ledger DIR (one ledger) or --ledgers DIR (many), not both") }
            return try serveMany(directory, configuration: configuration, context)
        }
        if context.arguments.value("max-open-ledgers") != nil { throw context.usage("--max-open-ledgers goes with --ledgers DIR") }
        let server = try TiesServer(ledgerDirectory: context.ledgerDirectory, configuration: configuration,
                                    log: { console.printError($0) })
        server.start()
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        console.printError("ties: serving \(context.ledgerDirectory) on http://\(host):\(server.port) (head seq \(server.service.head.seq)); Ctrl-C to stop")
        console.printError("ties: the web console is at http://\(host):\(server.port)/")
        try hintWhenKeyless(server.keys, create: "ties keys create --name NAME --role admin --ledger \(context.ledgerDirectory)", console)
        untilSignalled(console) { server.stop(graceMs: $0) }
        console.printError("ties: stopped at head seq \(server.service.head.seq)")
        return CLI.ExitCode.ok
    }

    /// A hint on stderr when `keys` has no active key: every request but health would be 401.
    private static func hintWhenKeyless(_ keys: KeyStore, create: String, _ console: Console) throws {
        if try keys.keys().allSatisfy({ $0.revokedAt != nil }) {
            console.printError("ties: no API keys yet; create one with: \(create)")
        }
    }

    /// Waits for SIGTERM or Ctrl-C, then stops the server gracefully.
    private static func untilSignalled(_ console: Console, stop: (Int) -> Void) {
        TiesServer.waitForTerminationSignal()
        console.printError("ties: stopping: finishing in-flight requests")
        stop(HTTPLimits.stopGrace.wholeMilliseconds)
    }

    private static func serveMany(_ directory: String, configuration: HTTPServerConfiguration, _ context: Context) throws -> Int32 {
        let console = context.console
        var maxOpen = Int(try context.arguments.integer("max-open-ledgers", in: 1...Int64(Limits.openLedgersMax), command: spec.name)
            ?? Int64(Limits.openLedgersDefault))
        let fitting = (CurrentProcess.raiseOpenFileLimit() - Limits.descriptorsBesidesLedgers) / Limits.descriptorsPerOpenLedger
        if maxOpen > fitting {
            console.printError("ties: warning: the open-file limit (ulimit -n) leaves room for \(max(1, fitting)) open ledgers, not \(maxOpen); at most \(max(1, fitting)) will be open at once")
            maxOpen = max(1, fitting)
        }
        let server = try LedgersServer(directory: directory, configuration: configuration, maxOpen: maxOpen, log: { console.printError($0) })
        server.start()
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let count = try server.ledgers.names().count
        console.printError("ties: serving \(count) ledgers of \(directory) at http://\(host):\(server.port)/v1/ledgers/NAME (at most \(maxOpen) open at once); Ctrl-C to stop")
        try hintWhenKeyless(server.ledgers.keys, create: "ties keys create --ledgers \(directory) --name NAME --role admin", console)
        untilSignalled(console) { server.stop(graceMs: $0) }
        console.printError("ties: stopped")
        return CLI.ExitCode.ok
    }
}
