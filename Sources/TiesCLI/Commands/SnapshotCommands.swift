import TiesCore
import TiesStore
import TiesSystem

struct SnapshotCommand: Command {
    static let spec = CommandSpec(
        name: "snapshot", summary: "take a snapshot of the projection now",
        options: CommonOptions.reading,
        discussion: """
            A snapshot is a consistent copy of the projection at the head seq, stamped with the
            schema version, the seq, the log hash at that seq and a digest of the state. When the
            projection is lost or damaged, opening the ledger restores the newest valid snapshot and
            replays only the log after it. Snapshots are also taken automatically (config.json:
            snapshotEveryCommits, default 100000; snapshotEveryLogBytes, default 64 MiB) and the
            newest snapshotsKept (default 3) are kept.
            """,
        examples: ["ties snapshot", "ties snapshots"])

    static func run(_ context: Context) throws -> Int32 {
        let info = try context.openLedger(.write).takeSnapshot()
        context.emit(info.jsonValue, text: "snapshot at seq \(info.seq): \(info.path) (\(info.bytes) bytes)")
        return CLI.ExitCode.ok
    }
}

struct SnapshotsCommand: Command {
    static let spec = CommandSpec(
        name: "snapshots", summary: "list snapshots with seq, time, size and validity",
        options: CommonOptions.reading,
        discussion: "Each snapshot is checked: schema version, stamp, that the log holds its commit, and its state digest.",
        examples: ["ties snapshots", "ties snapshots --json"])

    static func run(_ context: Context) throws -> Int32 {
        let snapshots = try context.openLedger(.read).snapshots()
        let lines = snapshots.isEmpty ? ["(no snapshots)"] : snapshots.map { info in
            "seq \(info.seq)  \(info.takenAt?.description ?? "?")  \(info.bytes) bytes  \(info.problem.map { "INVALID: \($0)" } ?? "valid")  \(info.path)"
        }
        context.emit(.object(["snapshots": .array(snapshots.map(\.jsonValue))]), text: lines.joined(separator: "\n"))
        return CLI.ExitCode.ok
    }
}

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
