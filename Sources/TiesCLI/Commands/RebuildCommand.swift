import TiesCore
import TiesStore
import TiesSystem

struct RebuildCommand: Command {
    static let spec = CommandSpec(
        name: "rebuild", summary: "rebuild the projection from the newest valid snapshot (or --full: the whole log)",
        options: [.flag("full", "replay the whole log instead of starting from a snapshot")] + CommonOptions.reading,
        discussion: "The projection is derived data; rebuilding never changes the log.",
        examples: ["ties rebuild", "ties rebuild --full"])

    static func run(_ context: Context) throws -> Int32 {
        let ledger = try context.openLedger(.write)
        let started = SystemClock.monotonicNanoseconds()
        let progress = context.console.errorIsTerminal && !context.json
        let range = try ledger.rebuild(full: context.arguments.flag("full"),
                                       progress: progress ? { context.console.progress("replaying: seq \($0.seq), \(percent($0.bytesDone, of: $0.bytesTotal))") } : nil)
        if progress { context.console.progress("") }
        let seconds = Double(SystemClock.monotonicNanoseconds() - started) / 1e9
        context.emit(.object(["fromSeq": .int(range.fromSeq), "headSeq": .int(range.toSeq), "seconds": .double(seconds)]),
                     text: "rebuilt the projection: \(range.fromSeq == 0 ? "from the start of the log" : "from the snapshot at seq \(range.fromSeq)") to seq \(range.toSeq) in \(format2(seconds)) s")
        return CLI.ExitCode.ok
    }
}
