import TiesCore
import TiesHTTP
import TiesStore

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
            .value("read-rate", "R/B", "create: the key's own read limit on `ties serve`, R requests a second, bursts of B (e.g. 5/10)"),
            .value("write-rate", "R/B", "create: the key's own write limit, R a second, bursts of B (e.g. 0.5/3); a batch costs one per operation"),
            CommonOptions.ledgers,
        ] + CommonOptions.reading,
        discussion: """
            `create` prints the new key once; only its SHA-256 is stored (in keys.json in the ledger).
            `revoke` takes effect at once, also on a running server. Keys can be managed while
            `ties serve` runs.
            Rate limits are token buckets, one for reads (GET) and one for writes: R/B refills R tokens
            a second (R may be fractional) up to a burst of B, with
            \(RateLimit.bounds).
            A key's own limit overrides the default in the ledger's config.json ("rateLimits");
            without either, that kind of request is not limited. A running server applies a new
            key's limits at its first request.
            With --ledgers DIR instead of --ledger, the keys are the server-wide keys of
            `ties serve --ledgers DIR` (DIR/keys.json): admin keys that create, list and retire
            ledgers and act as admin inside every one of them. A ledger's own keys are valid
            under its prefix only.
            """,
        examples: ["ties keys create --name crm-sync --role append", "ties keys create --name bulk-import --role append --write-rate 5/100",
                   "ties keys list", "ties keys revoke crm-sync", "ties keys create --ledgers ./tenants --name ops --role admin"])

    static func run(_ context: Context) throws -> Int32 {
        let serverWide = context.arguments.value("ledgers")
        let store: KeyStore
        if let serverWide {
            guard context.arguments.value("ledger") == nil else { throw context.usage("use --ledger DIR (one ledger's keys) or --ledgers DIR (server-wide keys), not both") }
            store = try LedgerSet(directory: serverWide).keys
        } else {
            store = KeyStore(ledgerDirectory: context.ledgerDirectory)
            guard Ledger.exists(at: context.ledgerDirectory) else {
                throw LedgerError(.ledgerNotFound, "no ledger at \(context.ledgerDirectory) (create one with `ties init`)")
            }
        }
        let positionals = context.arguments.positionals
        switch positionals[0] {
        case "create":
            guard let name = context.arguments.value("name") ?? positionals.dropFirst().first else { throw context.usage("create needs --name N") }
            guard let roleText = context.arguments.value("role") else { throw context.usage("create needs --role read|append|admin") }
            guard let role = KeyRole(rawValue: roleText) else { throw context.usage("--role must be read, append or admin; got '\(roleText)'") }
            if serverWide != nil && role != .admin {
                throw context.usage("server-wide keys are admin keys (--role admin); give a ledger a read or append key with --ledger DIR/NAME")
            }
            let rateLimits = RateLimits(read: try rate("read-rate", context), write: try rate("write-rate", context))
            let key = try store.create(name: name, role: role, rateLimits: rateLimits, now: Ledger.clock())
            var created: [String: JSONValue] = ["name": .string(name), "role": .string(role.rawValue), "key": .string(key)]
            if !rateLimits.isEmpty { created["rateLimits"] = rateLimits.jsonValue }
            let summary = (["key '\(name)'", "role \(role.rawValue)"] + rateWords(rateLimits)).joined(separator: ", ")
            context.emit(.object(created), lines: [key, "(\(summary); shown once: only its hash is stored)"])
        case "list":
            let keys = try store.keys()
            let lines = keys.isEmpty ? ["(no keys)"] : keys.map { key in
                ([key.name, key.role.rawValue, "created \(key.createdAt)"] + rateWords(key.rateLimits)
                    + (key.revokedAt.map { ["REVOKED \($0)"] } ?? [])).joined(separator: "  ")
            }
            context.emit(.object(["keys": .array(keys.map { key in
                var fields = key.jsonValue.objectValue ?? [:]
                fields["sha256"] = nil
                return .object(fields)
            })]), lines: lines)
        case "revoke":
            guard let name = positionals.dropFirst().first ?? context.arguments.value("name") else { throw context.usage("revoke needs the key's NAME") }
            try store.revoke(name: name, now: Ledger.clock())
            context.emit(.object(["name": .string(name), "revoked": .bool(true)]), text: "revoked key '\(name)'")
        default:
            throw context.usage("ACTION must be create, list or revoke; got '\(positionals[0])'")
        }
        return CLI.ExitCode.ok
    }

    /// `--read-rate` / `--write-rate` as a limit; a usage error when it is not `R/B` within bounds.
    private static func rate(_ option: String, _ context: Context) throws -> RateLimit? {
        guard let text = context.arguments.value(option) else { return nil }
        guard let limit = RateLimit(parsing: text) else {
            throw context.usage("--\(option) must be R/B, R tokens a second up to a burst of B (for example 5/10 or 0.5/3), with \(RateLimit.bounds); got '\(text)'")
        }
        return limit
    }

    /// `read-rate 5/10`, `write-rate 0.5/3`: the key's own limits as `create` takes them.
    private static func rateWords(_ limits: RateLimits) -> [String] {
        RateLimits.Kind.allCases.compactMap { kind in limits[kind].map { "\(kind.rawValue)-rate \($0)" } }
    }
}
