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
            Serves SPEC §5 over HTTP/1.1 with JSON in and out. Every endpoint but GET /v1/health
            needs `Authorization: Bearer KEY` (create keys with `ties keys create`). Concurrent
            writes are group-committed: one fsync answers many. One access-log line per request
            goes to stderr (method, path, status, duration, key name; never bodies or keys).
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

struct KeysCommand: Command {
    static let spec = CommandSpec(
        name: "keys", summary: "create, list and revoke API keys",
        arguments: [
            ArgumentSpec(name: "ACTION", help: "create, list or revoke"),
            ArgumentSpec(name: "NAME", help: "revoke: the key's name", optional: true),
        ],
        options: [
            .value("name", "N", "create: the key's name, which becomes the actor of its commits"),
            .value("role", "R", "create: read (GET), append (read + writes) or admin (append + keys, snapshots)"),
        ] + CommonOptions.reading,
        discussion: """
            `create` prints the new key once; only its SHA-256 is stored (in keys.json in the ledger).
            `revoke` takes effect at once, also on a running server. Keys can be managed while
            `ties serve` runs.
            """,
        examples: ["ties keys create --name crm-sync --role append", "ties keys list", "ties keys revoke crm-sync"])

    static func run(_ context: Context) throws -> Int32 {
        let store = KeyStore(ledgerDirectory: context.ledgerDirectory)
        guard Ledger.exists(at: context.ledgerDirectory) else {
            throw LedgerError(.ledgerNotFound, "no ledger at \(context.ledgerDirectory) (create one with `ties init`)")
        }
        let positionals = context.arguments.positionals
        switch positionals[0] {
        case "create":
            guard let name = context.arguments.value("name") ?? positionals.dropFirst().first else { throw context.usage("create needs --name N") }
            guard let roleText = context.arguments.value("role") else { throw context.usage("create needs --role read|append|admin") }
            guard let role = KeyRole(rawValue: roleText) else { throw context.usage("--role must be read, append or admin; got '\(roleText)'") }
            let key = try store.create(name: name, role: role, now: Ledger.clock())
            context.emit(.object(["name": .string(name), "role": .string(role.rawValue), "key": .string(key)]),
                         text: "\(key)\n(key '\(name)', role \(role.rawValue); shown once: only its hash is stored)")
        case "list":
            let keys = try store.keys()
            let lines = keys.isEmpty ? ["(no keys)"] : keys.map {
                "\($0.name)  \($0.role.rawValue)  created \($0.createdAt)\($0.revokedAt.map { "  REVOKED \($0)" } ?? "")"
            }
            context.emit(.object(["keys": .array(keys.map { key in
                var fields = key.jsonValue.objectValue ?? [:]
                fields["sha256"] = nil
                return .object(fields)
            })]), text: lines.joined(separator: "\n"))
        case "revoke":
            guard let name = positionals.dropFirst().first ?? context.arguments.value("name") else { throw context.usage("revoke needs the key's NAME") }
            try store.revoke(name: name, now: Ledger.clock())
            context.emit(.object(["name": .string(name), "revoked": .bool(true)]), text: "revoked key '\(name)'")
        default:
            throw context.usage("ACTION must be create, list or revoke; got '\(positionals[0])'")
        }
        return CLI.ExitCode.ok
    }
}
