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
                         lines: [key, "(key '\(name)', role \(role.rawValue); shown once: only its hash is stored)"])
        case "list":
            let keys = try store.keys()
            let lines = keys.isEmpty ? ["(no keys)"] : keys.map {
                "\($0.name)  \($0.role.rawValue)  created \($0.createdAt)\($0.revokedAt.map { "  REVOKED \($0)" } ?? "")"
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
}
