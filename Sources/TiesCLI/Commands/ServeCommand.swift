import TiesCore
import TiesHTTP
import TiesStore

struct ServeCommand: Command {
    static let spec = CommandSpec(
        name: "serve", summary: "serve the HTTP API (default 127.0.0.1:8080)",
        options: [
            .value("host", "H", "address to listen on (default 127.0.0.1; ::1 for IPv6 loopback)"),
            .value("port", "P", "port (default 8080; 0 picks a free one)"),
            CommonOptions.ledger,
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
            The document of the API is served at /v1/openapi.json.
            """,
        examples: ["ties serve --ledger ./crm-ledger", "ties serve --port 9090 &  curl -s localhost:9090/v1/health"])

    static func run(_ context: Context) throws -> Int32 {
        var configuration = HTTPServerConfiguration()
        configuration.host = context.arguments.value("host") ?? configuration.host
        configuration.port = UInt16(try context.arguments.integer("port", in: 0...65_535, command: spec.name) ?? 8080)
        let console = context.console
        let server = try TiesServer(ledgerDirectory: context.ledgerDirectory, configuration: configuration,
                                    log: { console.printError($0) })
        server.start()
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        console.printError("ties: serving \(context.ledgerDirectory) on http://\(host):\(server.port) (head seq \(server.service.head.seq)); Ctrl-C to stop")
        if try server.keys.keys().allSatisfy({ $0.revokedAt != nil }) {
            console.printError("ties: no API keys yet; create one with: ties keys create --name NAME --role admin --ledger \(context.ledgerDirectory)")
        }
        TiesServer.waitForTerminationSignal()
        console.printError("ties: stopping: finishing in-flight requests")
        server.stop(graceMs: HTTPLimits.stopGrace.wholeMilliseconds)
        console.printError("ties: stopped at head seq \(server.service.head.seq)")
        return CLI.ExitCode.ok
    }
}
