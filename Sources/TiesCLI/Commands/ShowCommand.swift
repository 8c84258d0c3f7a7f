import TiesCore
import TiesStore
import TiesSystem

struct ShowCommand: Command {
    static let spec = CommandSpec(
        name: "show", summary: "a record's relationships now, or as of a seq or time, a page at a time",
        arguments: [ArgumentSpec(name: "RECORD", help: "TYPE:ID, split on the first ':' (order:eu:17 is ID 'eu:17')")],
        options: [
            .value("as-of", "T", "a seq (1234) or an RFC 3339 time (2026-11-01T00:00:00Z): the state after the last commit at or before it"),
            .value("type", "T", "only links of this type: an rt_ ID, role/objecttype or role/parent/child"),
            .value("direction", "D", "outbound (RECORD is the from), inbound (RECORD is the to, in every type) or both"),
            .value("limit", "N", "links per page (1–\(Limits.pageSizeMax), default \(Limits.relationshipPageSizeDefault))"),
            .value("after", "CURSOR", "continue after this cursor (printed at the end of the previous page), as of the same seq"),
        ] + CommonOptions.reading,
        discussion: """
            Without --direction, lists links the record is the `from` of, and links it is the `to` of in
            bidirectional types (direction: inverse). Each link is labelled from the record's side: its
            role, or on the `to` side its type's inverse role when it has one.
            Links come in a fixed order (the record's side, the type's ID, then the order in which the
            ledger first saw the other record), --limit at a time; the cursor at the end of a page
            continues the listing as of the seq of its first page, so pages never shift under new
            commits. Give the same --type and --direction with --after.
            As-of answers come from the stored validity interval of every link version, not from a replay.
            A RECORD whose type is not defined is unknown_object_type (exit 1).
            """,
        examples: [
            "ties show person:user_123", "ties show person:user_123 --as-of 42",
            "ties show order:ord_998 --as-of 2026-03-03T23:59:59Z --json",
            "ties show order:ord_998 --direction inbound --type placed/order --limit 20",
        ])

    static func run(_ context: Context) throws -> Int32 {
        let arguments = context.arguments
        let record = try context.record(arguments.positionals[0])
        let point = try context.asOf(arguments.value("as-of"))
        let type = try arguments.value("type").map { try LinkArguments.typeReference($0, context, option: "--type") }
        let filter = RelationshipFilter(type: type, direction: try direction(context))
        let limit = try arguments.integer("limit", in: 1...Int64(Limits.pageSizeMax), command: spec.name) ?? Int64(Limits.relationshipPageSizeDefault)
        let after = arguments.value("after")
        let view = try context.openLedger(.read).relationships(of: record, asOf: point, filter: filter, limit: Int(limit), after: after)
        let asked = after != nil ? "continued" : point.map { "as of \($0)" } ?? "now"
        context.emit(view.jsonValue, lines: lines(view, asked: asked, sameOptions: sameOptions(context)))
        return CLI.ExitCode.ok
    }

    private static func direction(_ context: Context) throws -> LinkDirection? {
        guard let text = context.arguments.value("direction") else { return nil }
        guard let direction = LinkDirection(rawValue: text) else {
            throw context.usage("--direction must be \(LinkDirection.allCases.map(\.rawValue).joined(separator: ", ")); got '\(text)'")
        }
        return direction
    }

    /// The filter and page size options given, for the command of the next page.
    private static func sameOptions(_ context: Context) -> String {
        ["type", "direction", "limit"].compactMap { name in context.arguments.value(name).map { " --\(name) \($0)" } }.joined()
    }

    static func lines(_ view: RecordRelationships, asked: String, sameOptions: String) -> [String] {
        let when = view.at.map { " (\($0))" } ?? ""
        var lines = ["\(view.record) — \(asked): state at seq \(view.seq)\(when)"]
        if view.links.isEmpty { lines.append("  (no relationships)") }
        for link in view.links {
            let other = link.direction == .forward ? "→ \(link.to)" : "← \(link.from)"
            let attributes = link.attributes.isEmpty ? "" : "  \(JSONValue.object(link.attributes).encodedString)"
            lines.append("  \(link.label) \(other)  [\(link.type.id)]\(attributes)  since seq \(link.linkedSeq)")
        }
        if let next = view.next { lines.append("more: ties show \(view.record)\(sameOptions) --after \(next)") }
        return lines
    }
}
