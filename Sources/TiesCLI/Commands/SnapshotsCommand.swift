import TiesCore
import TiesStore
import TiesSystem

struct SnapshotsCommand: Command {
    static let spec = CommandSpec(
        name: "snapshots", summary: "list snapshots with seq, time, size and validity",
        options: CommonOptions.reading,
        discussion: "Each snapshot is checked: schema version, stamp, that the log holds its commit, and its state digest.",
        examples: ["ties snapshots", "ties snapshots --json"])

    static func run(_ context: Context) throws -> Int32 {
        let snapshots = try context.openLedger(.read).snapshots()
        let lines = snapshots.isEmpty ? ["(no snapshots)"] : snapshots.map { info in
            "seq \(info.seq)  \(info.takenAt?.description ?? "?")  \(info.bytes) bytes  \(info.problem.map { (info.isOtherVersion ? "NOT USED: " : "INVALID: ") + $0 } ?? "valid")  \(info.path)"
        }
        context.emit(.object(["snapshots": .array(snapshots.map(\.jsonValue))]), lines: lines)
        return CLI.ExitCode.ok
    }
}
