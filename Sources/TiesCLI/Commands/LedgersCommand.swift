import TiesCore
import TiesStore

struct LedgersCommand: Command {
    static let spec = CommandSpec(
        name: "ledgers", summary: "create, list, retire and restore the ledgers of a --ledgers directory",
        arguments: [
            ArgumentSpec(name: "ACTION", help: "create, list, retire or restore"),
            ArgumentSpec(name: "NAME", help: "create, retire: the ledger's name; restore: a retired entry (NAME.TIME) or a name (its latest retirement)", optional: true),
        ],
        options: [
            .value("as", "NAME", "restore: bring it back under this name instead of its old one"),
            CommonOptions.ledgers, CommonOptions.json,
        ],
        discussion: """
            `ties serve --ledgers DIR` serves every ledger DIR/NAME at /v1/ledgers/NAME. NAME is 1–\(Limits.ledgerNameCharactersMax)
            characters of a-z, 0-9, - and _. `create` makes an empty ledger; `retire` moves one into
            DIR/.retired/NAME.TIME — nothing is ever deleted — and `restore` moves it back. A ledger a
            running server has open is retired through that server (DELETE /v1/ledgers/NAME, with a
            server-wide admin key: `ties keys create --ledgers DIR --name N --role admin`); here it is
            ledger_busy. Each ledger keeps its own keys: `ties keys create --ledger DIR/NAME …`.
            See the Ledgers article of the TiesHTTP catalog (Sources/TiesHTTP/TiesHTTP.docc/Ledgers.md).
            """,
        examples: ["ties ledgers create acme --ledgers ./tenants", "ties ledgers list --ledgers ./tenants",
                   "ties ledgers retire acme --ledgers ./tenants", "ties ledgers restore acme --ledgers ./tenants --as acme-old"])

    static func run(_ context: Context) throws -> Int32 {
        guard let directory = context.arguments.value("ledgers") else { throw context.usage("needs --ledgers DIR, the directory of ledgers") }
        let ledgers = try LedgerSet(directory: directory)
        let positionals = context.arguments.positionals
        let action = positionals[0]
        let operand = positionals.dropFirst().first
        switch action {
        case "create":
            let name = try ledgerName(operand, context)
            let layout = try ledgers.create(name)
            context.emit(.object(["name": .string(name.text), "ledger": .string(layout.directory), "created": .bool(true)]),
                         text: "created ledger '\(name)' at \(layout.directory)")
        case "list":
            let names = try ledgers.names()
            let retired = try ledgers.retired()
            let lines = (names.isEmpty ? ["(no ledgers)"] : names.map(\.text)) + retired.map { "\($0.entry)  RETIRED (restore: ties ledgers restore \($0.entry))" }
            context.emit(.object([
                "ledgers": .array(names.map { .object(["name": .string($0.text)]) }),
                "retired": .array(retired.map { .object(["name": .string($0.name.text), "entry": .string($0.entry)]) }),
            ]), lines: lines)
        case "retire":
            let name = try ledgerName(operand, context)
            let retired = try ledgers.retire(name, now: Ledger.clock())
            context.emit(.object(["name": .string(name.text), "retired": .bool(true), "entry": .string(retired.entry)]),
                         text: "retired ledger '\(name)' to \(ledgers.directory)/.retired/\(retired.entry)")
        case "restore":
            guard let entry = operand else { throw context.usage("restore needs a retired entry (NAME.TIME) or a NAME") }
            let newName = try context.arguments.value("as").map { text in try ledgerName(text, context) }
            let name = try ledgers.restore(entry, as: newName)
            context.emit(.object(["name": .string(name.text), "restored": .bool(true)]), text: "restored ledger '\(name)' at \(ledgers.path(of: name))")
        default:
            throw context.usage("ACTION must be create, list, retire or restore; got '\(action)'")
        }
        return CLI.ExitCode.ok
    }

    private static func ledgerName(_ text: String?, _ context: Context) throws -> LedgerName {
        guard let text else { throw context.usage("\(context.arguments.positionals[0]) needs the ledger's NAME") }
        guard let name = LedgerName(text) else {
            throw context.usage("a ledger's NAME is 1–\(Limits.ledgerNameCharactersMax) characters of a-z, 0-9, - and _; got '\(text)'")
        }
        return name
    }
}
