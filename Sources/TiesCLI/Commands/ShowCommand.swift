import TiesCore
import TiesStore
import TiesSystem

struct ShowCommand: Command {
    static let spec = CommandSpec(
        name: "show", summary: "a record's relationships now, or as of a seq or time",
        arguments: [ArgumentSpec(name: "RECORD", help: "TYPE:ID, split on the first ':' (order:eu:17 is ID 'eu:17')")],
        options: [.value("as-of", "T", "a seq (1234) or an RFC 3339 time (2026-11-01T00:00:00Z): the state after the last commit at or before it")] + CommonOptions.reading,
        discussion: """
            Lists links the record is the `from` of, and links it is the `to` of in bidirectional types (direction: inverse).
            As-of answers come from the stored validity interval of every link version, not from a replay.
            A RECORD whose type is not defined is unknown_object_type (exit 1).
            """,
        examples: ["ties show person:user_123", "ties show person:user_123 --as-of 42", "ties show order:ord_998 --as-of 2026-03-03T23:59:59Z --json"])

    static func run(_ context: Context) throws -> Int32 {
        let record = try context.record(context.arguments.positionals[0])
        let point = try context.asOf(context.arguments.value("as-of"))
        let view = try context.openLedger(.read).relationships(of: record, asOf: point)
        context.emit(view.jsonValue, lines: lines(view, asked: point))
        return CLI.ExitCode.ok
    }

    static func lines(_ view: RecordRelationships, asked point: AsOf?) -> [String] {
        let when = view.at.map { " (\($0))" } ?? ""
        var lines = ["\(view.record) — \(point == nil ? "now" : "as of \(point!)"): state at seq \(view.seq)\(when)"]
        if view.links.isEmpty { lines.append("  (no relationships)") }
        for link in view.links {
            let other = link.direction == .forward ? "→ \(link.to)" : "← \(link.from)"
            let attributes = link.attributes.isEmpty ? "" : "  \(JSONValue.object(link.attributes).encodedString)"
            lines.append("  \(link.type.key.role) \(other)  [\(link.type.id)]\(attributes)  since seq \(link.linkedSeq)")
        }
        return lines
    }
}
