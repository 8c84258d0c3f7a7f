import TiesCore
import TiesStore
import TiesSystem

struct ImportCommand: Command {
    static let spec = CommandSpec(
        name: "import", summary: "append operation lines (JSON Lines) from a file or stdin",
        arguments: [ArgumentSpec(name: "FILE", help: "a file of operations, one JSON object per line (see OPERATIONS); - or nothing for stdin", optional: true)],
        options: [
            .value("batch", "N", "operations per commit (default \(Limits.importBatchDefault), at most \(Limits.operationsPerCommitMax))"),
            .flag("atomic", "make the whole input one commit: all or nothing (at most \(Limits.operationsPerCommitMax) operations)"),
        ] + CommonOptions.writing,
        discussion: """
            Each batch is one atomic commit, durable before the next starts. A bad line stops the
            import with its line number and error code: its batch is not committed, earlier batches
            stay committed, and the message says which lines are which. Blank lines are skipped.
            On a terminal, progress is shown on stderr. With --json, one JSON line per commit and a
            final summary line are printed as they happen.

            OPERATIONS (one per line; the same objects are the items of POST /v1/batch)
              {"op":"defineObjectType","name":"order","description":"A purchase"}
              {"op":"registerRelationshipType","kind":"person_to_co","role":"placed",
               "customObjectType":"order","cardinality":"ONE_TO_MANY","bidirectional":true}
              {"op":"registerRelationshipType","kind":"co_to_co","role":"contains",
               "parentCustomObjectType":"order","childCustomObjectType":"line_item"}
              {"op":"link","relationshipTypeId":"rt_…","personExternalId":"user_123",
               "customObjectExternalId":"ord_998","attributes":{"channel":"web"}}
              {"op":"setAttributes",…same identifying fields…,"set":{"status":"returned"},"unset":["channel"]}
              {"op":"unlink",…same identifying fields…}
            A relationship type is named by "relationshipTypeId" or by its key, e.g.
            "relationshipType":{"kind":"co_to_co","role":"contains","parentCustomObjectType":"order",
            "childCustomObjectType":"line_item"} with "parentExternalId" and "childExternalId".
            Every field, rule and limit: Sources/TiesCore/TiesCore.docc/Operations.md.
            """,
        examples: [
            "ties import ops.jsonl",
            "cat ops.jsonl | ties import - --batch 5000 --reason \"nightly sync\"",
            "ties import setup.jsonl --atomic",
            #"echo '{"op":"defineObjectType","name":"order"}' | ties import"#,
        ])

    static func run(_ context: Context) throws -> Int32 {
        let batch = try context.arguments.integer("batch", in: 1...Int64(Limits.operationsPerCommitMax), command: spec.name) ?? Int64(Limits.importBatchDefault)
        let options = ImportOptions(batchSize: Int(batch), atomic: context.arguments.flag("atomic"), metadata: context.metadata)
        let path = context.arguments.positionals.first ?? "-"
        let reader: LineReader
        do {
            reader = try LineReader(path: path)
        } catch {
            throw context.usage("cannot read \(path): \(error.message)")
        }
        let target = try WriteTarget(context)
        let progress = ProgressLine(context: context)
        do {
            let totals = try target.importLines(reader, options: options) { totals in
                if context.json {
                    context.console.printJSON(status("committed", totals).encodedString)
                } else {
                    progress.update(totals)
                }
            }
            progress.finish()
            context.emit(status("done", totals), text: summary(totals, seconds: progress.elapsedSeconds))
            return CLI.ExitCode.ok
        } catch {
            progress.finish()
            var detailed = error.error
            detailed.message = "line \(error.line): \(error.error.message)"
            detailed.details["line"] = .int(Int64(error.line))
            if context.json { context.console.printJSON(status("failed", error.totals).encodedString) }
            CLI.report(detailed, json: context.json, console: context.console)
            if !context.json { context.console.printError(committedNote(error.totals, failedLine: error.line, outcomeUnknown: error.error.code == .ioError && error.error.details["committed"] != .bool(false))) }
            return CLI.exitCode(for: error.error)
        }
    }

    static func status(_ name: String, _ totals: ImportTotals) -> JSONValue {
        var fields = totals.jsonValue.objectValue ?? [:]
        fields["status"] = .string(name)
        return .object(fields)
    }

    static func summary(_ totals: ImportTotals, seconds: Double) -> String {
        let seqs = totals.firstSeq.map { " (seq \($0)–\(totals.lastSeq ?? $0))" } ?? ""
        let rate = seconds > 0 ? ", \(Int(Double(totals.lines) / seconds)) lines/s" : ""
        return "imported \(totals.lines) lines: \(totals.operations) operations → \(totals.events) events in \(totals.commits) commits\(seqs); \(totals.unchanged) already so (nothing appended); \(String(format2(seconds))) s\(rate)"
    }

    /// Which lines are committed. After an I/O failure (a failed sync, or a
    /// server that stopped before answering) the last batch's fate is not
    /// known, and the note says so instead of calling it not committed.
    static func committedNote(_ totals: ImportTotals, failedLine: Int, outcomeUnknown: Bool) -> String {
        let done = totals.committedThroughLine
        let seqs = totals.firstSeq.map { "seq \($0)–\(totals.lastSeq ?? $0), " } ?? ""
        let committed = done > 0 ? "lines 1–\(done) are committed (\(seqs)\(totals.commits) commits)" : "no earlier batch was committed"
        if outcomeUnknown {
            return "\(committed); the batch from line \(done + 1) may or may not be (`ties log` shows); lines after it were not."
        }
        guard done > 0 else { return "nothing from this input was committed." }
        return "\(committed); lines \(done + 1)–\(failedLine) and after were not."
    }
}

/// Two decimals, without Foundation's formatter.
func format2(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}
