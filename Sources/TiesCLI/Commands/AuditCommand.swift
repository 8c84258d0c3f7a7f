import TiesCore
import TiesPresentation
import TiesStore

struct AuditCommand: Command {
    static let spec = CommandSpec(
        name: "audit", summary: "search the audit trail: who changed what, when and why",
        options: [
            .value("since", "T", "events at or after T (a seq or an RFC 3339 time)"),
            .value("until", "T", "events at or before T"),
            .value("actor", "A", "events committed by actor A"),
            .value("type", "T", "events of one relationship type (rt_ ID, role/objecttype or role/parent/child)"),
            .value("record", "R", "events about record R (TYPE:ID), either end of a link or its own fields"),
            .value("op", "OP", "events of an operation: \(AuditOp.allCases.map(\.rawValue).joined(separator: ", "))", repeatable: true),
            .value("limit", "N", "entries per page (1–\(Limits.pageSizeMax), default \(Limits.relationshipPageSizeDefault))"),
            .value("after", "CURSOR", "continue after this cursor (printed at the end of the previous page)"),
        ] + CommonOptions.reading,
        discussion: """
            Every event that matches all the filters given, newest first, with seq, time, actor, principal
            and reason — "everything support:ann changed last week", "every unlink of placed/order since
            Monday". Served by the projection's indexes, not by reading the log. An unknown type is
            unknown_relationship_type, a record of an undefined type unknown_object_type (exit 1).
            """,
        examples: [
            "ties audit --actor support:ann --since 2026-11-30T00:00:00Z",
            "ties audit --type placed/order --op unlink --since 2026-12-01T00:00:00Z --limit 20",
            "ties audit --record person:user_123 --op upsertRecord --op eraseRecord",
        ])

    static func run(_ context: Context) throws -> Int32 {
        var filter = AuditFilter(since: try context.asOf(context.arguments.value("since"), option: "since"),
                                 until: try context.asOf(context.arguments.value("until"), option: "until"),
                                 actor: context.arguments.value("actor"))
        if let type = context.arguments.value("type") { filter.type = try LinkArguments.typeReference(type, context, option: "--type") }
        if let record = context.arguments.value("record") { filter.record = try context.record(record, name: "--record") }
        filter.ops = try context.arguments.all("op").map { name throws -> AuditOp in
            guard let op = AuditOp(rawValue: name) else {
                throw context.usage("--op must be one of \(AuditOp.allCases.map(\.rawValue).joined(separator: ", ")); got '\(name)'")
            }
            return op
        }
        let limit = try context.arguments.integer("limit", in: 1...Int64(Limits.pageSizeMax), command: spec.name) ?? Int64(Limits.relationshipPageSizeDefault)
        let page = try context.openLedger(.read).audit(filter, limit: Int(limit), after: context.arguments.value("after"))
        var lines = page.entries.isEmpty ? ["no events match"] : []
        for entry in page.entries {
            lines.append(HistoryCommand.line(entry))
            lines.append("  " + HistoryCommand.describe(entry.event))
        }
        if let next = page.next { lines.append("older entries: add --after \(next)") }
        context.emit(page.jsonValue, lines: lines)
        return CLI.ExitCode.ok
    }
}
