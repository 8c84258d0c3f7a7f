import TiesCore
import TiesStore
import TiesPresentation

struct DiffCommand: Command {
    static let spec = CommandSpec(
        name: "diff", summary: "what differs between the links as of two points, a page at a time",
        arguments: [
            ArgumentSpec(name: "T1", help: "a seq (1234) or an RFC 3339 time (2026-11-01T00:00:00Z): the state compared from"),
            ArgumentSpec(name: "T2", help: "the same: the state compared to"),
        ],
        options: [
            .value("record", "R", "only links this record (TYPE:ID) is the from or the to of"),
            .value("type", "T", "only links of this type: an rt_ ID, role/objecttype or role/parent/child"),
            .value("limit", "N", "links per page (1–\(Limits.pageSizeMax), default \(Limits.diffPageSizeDefault))"),
            .value("after", "CURSOR", "continue after this cursor (printed at the end of the previous page), between the same seqs"),
        ] + CommonOptions.reading,
        discussion: """
            One line per link that differs between the state as of T1 and as of T2 (each the state after
            the last commit at or before it): `+` current at T2 only, with its attributes then; `-` current
            at T1 only, with its attributes then; `~` current at both with other attributes, before → after.
            A link unlinked and linked again in between with the same attributes is no difference. T1 may
            be later than T2: the diff then reads backwards in time. Read from the stored validity interval
            of every link version: only versions that start or end between T1 and T2 are looked at.
            Links come in a fixed order (the type, then the from and to records in the order the ledger
            first saw them), --limit at a time; the cursor at the end of a page continues between the
            same seqs. Give the same --record and --type with --after. --json prints
            {"fromSeq","toSeq","added","removed","changed","next"}.
            """,
        examples: [
            "ties diff 40 57", "ties diff 2026-11-01T00:00:00Z 2026-12-01T00:00:00Z --record person:user_123",
            "ties diff 0 1200 --type placed/order --limit 20 --json",
        ])

    static func run(_ context: Context) throws -> Int32 {
        let arguments = context.arguments
        let first = try point(arguments.positionals[0], "T1", context)
        let second = try point(arguments.positionals[1], "T2", context)
        let record = try arguments.value("record").map { try context.record($0, name: "--record") }
        let type = try arguments.value("type").map { try LinkArguments.typeReference($0, context, option: "--type") }
        let limit = try arguments.integer("limit", in: 1...Int64(Limits.pageSizeMax), command: spec.name) ?? Int64(Limits.diffPageSizeDefault)
        let diff = try context.openLedger(.read).diff(from: first, to: second, record: record, type: type, limit: Int(limit),
                                                      after: arguments.value("after"))
        context.emit(diff.jsonValue, lines: lines(diff, command: again(context)))
        return CLI.ExitCode.ok
    }

    private static func point(_ text: String, _ name: String, _ context: Context) throws -> AsOf {
        guard let point = AsOf(parsing: text) else {
            throw context.usage("\(name) must be a seq (1234) or an RFC 3339 time (2026-11-01T00:00:00Z); got '\(text)'")
        }
        return point
    }

    /// The command of the next page, less its cursor.
    private static func again(_ context: Context) -> String {
        let options = ["record", "type", "limit"].compactMap { name in context.arguments.value(name).map { " --\(name) \($0)" } }
        return "ties diff " + context.arguments.positionals.joined(separator: " ") + options.joined()
    }

    static func lines(_ diff: LinkDiff, command: String) -> [String] {
        func attributes(_ map: Attributes?) -> String { JSONValue.object(map ?? [:]).encodedString }
        var lines = ["seq \(diff.fromSeq) → seq \(diff.toSeq)"]
        if diff.differences.isEmpty { lines.append("  (no differences)") }
        for difference in diff.differences {
            let link = "\(difference.type.key.role) \(difference.from) → \(difference.to)"
            switch difference.kind {
            case .added: lines.append("+ \(link) \(attributes(difference.after))")
            case .removed: lines.append("- \(link) \(attributes(difference.before))")
            case .changed: lines.append("~ \(link) \(attributes(difference.before)) → \(attributes(difference.after))")
            }
        }
        if let next = diff.next { lines.append("more: \(command) --after \(next)") }
        return lines
    }
}
