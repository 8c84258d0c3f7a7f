import TiesCore
import TiesStore

struct ExportCommand: Command {
    static let spec = CommandSpec(
        name: "export", summary: "write the whole state as of a seq or time to SQLite (or JSON Lines)",
        options: [
            .value("as-of", "T", "a seq or an RFC 3339 time (default: now)"),
            .value("out", "FILE", "write a new SQLite file (else JSON Lines to stdout)"),
        ] + CommonOptions.reading,
        discussion: """
            The SQLite file has a stable, documented schema (format ties-export-1): metadata
            (as_of_seq, as_of_time, log_hash, state_digest), object_types, relationship_types,
            relationships (one row per link, attributes as JSON) and attributes (one row per key).
            Anyone with sqlite3 can read it. As of a past point, the state is replayed from the log.
            """,
        examples: [
            "ties export --out state.sqlite && sqlite3 state.sqlite 'SELECT * FROM relationships LIMIT 5'",
            "ties export --as-of 2026-03-03T23:59:59Z --out march3.sqlite",
            "ties export --as-of 1200 | jq -c 'select(.type == \"relationship\")'",
        ])

    static func run(_ context: Context) throws -> Int32 {
        let point = try context.asOf(context.arguments.value("as-of"))
        let ledger = try context.openLedger(.read)
        if let out = context.arguments.value("out") {
            let stamp = try Exporter.exportSQLite(ledger, asOf: point, to: out)
            context.emit(stamp.jsonValue, text: "exported the state at seq \(stamp.seq) to \(out) (state digest \(stamp.stateDigest))")
        } else {
            _ = try Exporter.exportJSONLines(ledger, asOf: point) { context.console.printJSON($0.encodedString) }
        }
        return CLI.ExitCode.ok
    }
}
