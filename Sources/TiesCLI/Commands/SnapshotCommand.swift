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
