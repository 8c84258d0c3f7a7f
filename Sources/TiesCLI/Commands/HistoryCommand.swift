import TiesCore
import TiesStore
import TiesSystem

struct HistoryCommand: Command {
    static let spec = CommandSpec(
        name: "history", summary: "a record's audit trail, newest first",
        arguments: [ArgumentSpec(name: "RECORD", help: "TYPE:ID")],
        options: [
            .value("limit", "N", "entries per page (1–\(Limits.pageSizeMax), default \(Limits.pageSizeDefault))"),
            .value("after", "CURSOR", "continue after this cursor (printed at the end of the previous page)"),
        ] + CommonOptions.reading,
        discussion: """
            Every link, unlink and attribute change on either end of a link of RECORD, with seq, time,
            actor and reason, and the link's name from RECORD's side (its role, or its type's inverse
            role where RECORD is the `to`). A RECORD whose type is not defined is unknown_object_type (exit 1).
            """,
        examples: ["ties history person:user_123", "ties history person:user_123 --limit 10 --after h57"])

    static func run(_ context: Context) throws -> Int32 {
        let record = try context.record(context.arguments.positionals[0])
        let limit = try context.arguments.integer("limit", in: 1...Int64(Limits.pageSizeMax), command: spec.name) ?? Int64(Limits.pageSizeDefault)
        let page = try context.openLedger(.read).history(of: record, limit: Int(limit), after: context.arguments.value("after"))
        context.emit(page.jsonValue, lines: lines(page))
        return CLI.ExitCode.ok
    }

    static func lines(_ page: HistoryPage) -> [String] {
        var lines: [String] = []
        if page.entries.isEmpty { lines.append("\(page.record): no history") }
        for entry in page.entries {
            lines.append("seq \(entry.seq)  \(entry.at)  by \(entry.actor)\(entry.reason.map { "  — \($0)" } ?? "")")
            lines.append("  \(describe(entry.event))\(entry.label.map { "  (\($0))" } ?? "")")
        }
        if let next = page.next { lines.append("older entries: ties history \(page.record) --after \(next)") }
        return lines
    }

    static func describe(_ event: Event) -> String {
        switch event {
        case .linked(let key, let attributes):
            return "linked \(key.from) → \(key.to) [\(key.typeId)]\(attributes.isEmpty ? "" : " " + JSONValue.object(attributes).encodedString)"
        case .unlinked(let key):
            return "unlinked \(key.from) → \(key.to) [\(key.typeId)]"
        case .attributesChanged(let key, let set, let unset):
            let parts = (set.isEmpty ? [] : ["set " + JSONValue.object(set).encodedString]) + (unset.isEmpty ? [] : ["unset " + unset.joined(separator: ", ")])
            return "attributes of \(key.from) → \(key.to) [\(key.typeId)]: \(parts.joined(separator: "; "))"
        default:
            return event.name
        }
    }
}
