import TiesCore
import TiesStore

struct RepairCommand: Command {
    static let spec = CommandSpec(
        name: "repair", summary: "keep the log up to a seq and move the rest aside (explicit, never automatic)",
        options: [
            .value("truncate-at", "SEQ", "the last seq to keep: the end of an intact commit (see `ties verify`)"),
            .flag("yes", "confirm (required when run from a terminal)"),
        ] + CommonOptions.reading,
        discussion: """
            For a log damaged in the middle (the ledger refuses to open, exit 3, and `ties verify`
            names the seq and byte offset): keeps every commit up to SEQ, moves every byte after it
            into log.jsonl.damaged-at-OFFSET beside the log (nothing is deleted), syncs, and rebuilds
            the projection. Commits after SEQ are no longer part of the ledger; their bytes stay in
            the .damaged file for inspection.
            """,
        examples: ["ties verify", "ties repair --truncate-at 1041 --yes"])

    static func run(_ context: Context) throws -> Int32 {
        guard let seq = try context.arguments.integer("truncate-at", in: 0...Int64.max, command: spec.name) else {
            throw context.usage("--truncate-at SEQ is required")
        }
        let directory = context.ledgerDirectory
        if context.console.inputIsTerminal && !context.arguments.flag("yes") {
            let plan = try Repair.plan(directory: directory, truncateAt: seq)
            throw context.usage("this keeps seqs 1–\(seq) (\(plan.keptBytes) bytes) and moves the \(plan.movedBytes) bytes after them out of the log into a .damaged file; run again with --yes to do it")
        }
        let console = context.console
        let report = try Repair.run(directory: directory, truncateAt: seq, warn: { console.printError("ties: warning: \($0)") })
        let moved = report.movedTo.map { "moved \(report.movedBytes) bytes to \($0)" } ?? "nothing followed seq \(seq); nothing moved"
        context.emit(report.jsonValue, text: "kept seqs 1–\(report.keptThroughSeq) (\(report.keptBytes) bytes); \(moved); the projection was rebuilt")
        return CLI.ExitCode.ok
    }
}
