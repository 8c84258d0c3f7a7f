import TiesCore
import TiesStore

struct InitCommand: Command {
    static let spec = CommandSpec(
        name: "init", summary: "create an empty ledger",
        options: CommonOptions.reading,
        discussion: "Creates the ledger directory with an empty log and projection. Fails if a ledger is already there.",
        examples: ["ties init --ledger ./crm-ledger", "export TIES_LEDGER=./crm-ledger && ties init"])

    static func run(_ context: Context) throws -> Int32 {
        let layout = try Ledger.create(at: context.ledgerDirectory)
        context.emit(.object(["ledger": .string(layout.directory), "log": .string(layout.log)]),
                     text: "created an empty ledger at \(layout.directory)")
        return CLI.ExitCode.ok
    }
}
