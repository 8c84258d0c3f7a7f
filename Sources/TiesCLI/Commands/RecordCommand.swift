import TiesCore
import TiesPresentation
import TiesStore

struct RecordCommand: Command {
    static let spec = CommandSpec(
        name: "record", summary: "show, find and set a record's fields",
        arguments: [
            ArgumentSpec(name: "ACTION", help: "show, find or set"),
            ArgumentSpec(name: "RECORD", help: "show/set: TYPE:ID; find: TYPE"),
            ArgumentSpec(name: "MATCH", help: "find: FIELD=VALUE (an identifier of TYPE)", optional: true),
        ],
        options: [
            .value("as-of", "T", "show: the fields as of a seq or an RFC 3339 time"),
            .value("field", "K=V", "set: set a field; V is a JSON scalar or plain text", repeatable: true),
            .value("unset", "K", "set: remove a field", repeatable: true),
        ] + CommonOptions.oneCommit,
        discussion: """
            Records are people and custom objects with fields (upsertRecord): `set` creates the record
            or changes only the fields given, and appends nothing if nothing changes. `show` prints its
            fields now or as of T (record_not_found if it was not upserted by then; an erased record's
            values show as {"erased":true}). `find` looks a record up by an identifier of its type
            (define-type --identifier), served by an index. See the Records article.
            """,
        examples: [
            "ties record set person:user_123 --field email=ada@example.com --field name=Ada",
            "ties record show person:user_123 --as-of 2026-03-03T00:00:00Z",
            "ties record find person email=ada@example.com",
        ])

    static func run(_ context: Context) throws -> Int32 {
        let positionals = context.arguments.positionals
        guard positionals.count >= 2 else { throw context.usage("record \(positionals.first ?? "ACTION") needs a RECORD") }
        switch positionals[0] {
        case "show":
            let fields = try context.openLedger(.read).record(try context.record(positionals[1]), asOf: try context.asOf(context.arguments.value("as-of")))
            context.emit(fields.jsonValue, lines: lines(fields))
        case "find":
            guard positionals.count == 3, let equals = positionals[2].firstIndex(of: "="), equals != positionals[2].startIndex else {
                throw context.usage("find needs TYPE FIELD=VALUE, e.g. ties record find person email=ada@example.com")
            }
            let match = positionals[2]
            let found = try context.openLedger(.read).findRecords(
                ofType: positionals[1], field: String(match[..<equals]), value: JSONValue.scalar(orText: String(match[match.index(after: equals)...])))
            let shown = found.prefix(Limits.matchCandidatesMax)
            var text = found.isEmpty ? ["no \(positionals[1]) record holds that value"] : shown.flatMap { lines($0) }
            if found.count > shown.count { text.append("(more than \(Limits.matchCandidatesMax) records hold it; the first \(shown.count) are shown)") }
            context.emit(.object(["records": .array(shown.map(\.jsonValue)), "more": .bool(found.count > shown.count)]), lines: text)
        case "set":
            let record = try context.record(positionals[1])
            let set = try LinkArguments.attributes(context, option: "field")
            let unset = context.arguments.all("unset")
            let receipt = try commit([.upsertRecord(record, set: set, unset: unset)], context)
            guard let result = receipt.results.first, case .record(_, let created, let changed) = result else { return CLI.ExitCode.ok }
            context.emit(result.jsonValue(seq: receipt.lastSeq),
                         text: created ? "created \(record) (seq \(receipt.lastSeq ?? 0))"
                             : changed ? "updated \(record) (seq \(receipt.lastSeq ?? 0))" : "\(record) is already so; nothing appended")
        default:
            throw context.usage("ACTION must be show, find or set; got '\(positionals[0])'")
        }
        return CLI.ExitCode.ok
    }

    static func lines(_ record: RecordFields) -> [String] {
        var lines = ["\(record.record)  (since seq \(record.since)\(record.erasedSeq != nil ? ", erased" : ""))"]
        if record.fields.isEmpty { lines.append("  (no fields)") }
        for (field, value) in record.fields.sorted(by: { utf8Less($0.key, $1.key) }) {
            lines.append("  \(field) = \(value.value?.encodedString ?? "(erased)")")
        }
        return lines
    }
}
