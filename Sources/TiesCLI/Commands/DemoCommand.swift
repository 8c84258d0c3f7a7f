import TiesCore
import TiesStore
import TiesSystem

/// `ties demo`: builds a small example ledger with real commands and walks
/// through the questions Ties exists to answer.
struct DemoCommand: Command {
    static let spec = CommandSpec(
        name: "demo", summary: "build an example ledger and tour history and as-of queries",
        options: [.value("ledger", "DIR", "where to build it (must not hold a ledger yet; default: a new temporary directory)")],
        discussion: "Runs ordinary ties commands against a fresh ledger and prints each one with its output,\nso every step can be repeated by hand afterwards.",
        examples: ["ties demo", "ties demo --ledger ./demo-ledger"])

    static func run(_ context: Context) throws -> Int32 {
        let directory = try context.arguments.value("ledger") ?? temporaryLedger(context.environment)
        let tour = Tour(directory: directory, context: context)
        try tour.run()
        return CLI.ExitCode.ok
    }

    /// A new private directory under `$TMPDIR` (or /tmp) to build the demo in.
    private static func temporaryLedger(_ environment: [String: String]) throws(LedgerError) -> String {
        do {
            return try Files.makeTemporaryDirectory(under: Files.temporaryParent(environment: environment), prefix: "ties-demo-") + "/ledger"
        } catch {
            throw LedgerError(error)
        }
    }
}

private struct Tour {
    let directory: String
    let context: Context
    var console: Console { context.console }

    func say(_ text: String) {
        console.print(lines: [""] + TerminalText.lines(text).map { "# " + $0 })
    }

    /// Runs one real command, echoing it; returns its exit code.
    @discardableResult
    func ties(_ arguments: String...) -> Int32 {
        console.print("$ ties " + arguments.map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: " "))
        var environment = context.environment
        environment["TIES_LEDGER"] = directory
        return CLI.run(arguments: arguments, environment: environment, console: console)
    }

    func run() throws {
        say("A new ledger: one directory holding an append-only log and its SQLite projection.")
        guard ties("init") == 0 else { throw LedgerError(.ledgerExists, "the demo needs a directory without a ledger: \(directory)") }
        say("Custom object types come first; `person` is built in.")
        ties("define-type", "order", "--description", "A purchase")
        ties("define-type", "line_item")
        say("Relationship types: a person places orders (each order has one buyer), an order contains line items.")
        ties("register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order", "--cardinality", "ONE_TO_MANY", "--bidirectional")
        ties("register-type", "--kind", "co_to_co", "--role", "contains", "--parent", "order", "--child", "line_item")
        say("Links, each one commit, with attributes and the actor who made them.")
        ties("link", "placed/order", "person:ada", "order:o-1001", "--attr", "channel=web", "--actor", "shop-frontend")
        ties("link", "contains/order/line_item", "order:o-1001", "line_item:li-1", "--attr", "qty=2", "--actor", "shop-frontend")
        ties("set-attr", "placed/order", "person:ada", "order:o-1001", "--attr", "status=shipped", "--actor", "warehouse")
        let shippedSeq = try Ledger.open(at: directory, access: .read).headSeq
        say("Support removes the link, and the order is re-assigned to Grace.")
        ties("unlink", "placed/order", "person:ada", "order:o-1001", "--actor", "support", "--reason", "ticket 4711: ordered on Grace's behalf")
        ties("link", "placed/order", "person:grace", "order:o-1001", "--actor", "support", "--reason", "ticket 4711")
        say("Cardinality is enforced: the order already has a buyer, so this is refused (exit 1).")
        ties("link", "placed/order", "person:ada", "order:o-1001")
        say("Today Ada has no orders…")
        ties("show", "person:ada")
        say("…but as of seq \(shippedSeq) she had the shipped order. Answered from stored version intervals, not a replay.")
        ties("show", "person:ada", "--as-of", String(shippedSeq))
        say("Who removed it, when and why:")
        ties("history", "person:ada")
        say("The order sees its buyer too, because `placed` is bidirectional.")
        ties("show", "order:o-1001")
        ties("stats")
        say("""
            Every commit is a line of \(directory)/log.jsonl, checksummed and hash-chained:
              ties log --ledger \(directory) | head -3
            Keep exploring with:  export TIES_LEDGER=\(directory)
            """)
    }
}
