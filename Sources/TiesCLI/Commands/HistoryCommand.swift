import TiesCore
import TiesPresentation
import TiesStore
import TiesSystem

struct HistoryCommand: Command {
    static let spec = CommandSpec(
        name: "history", summary: "a record's audit trail, newest first; or one link's story",
        arguments: [
            ArgumentSpec(name: "RECORD", help: "TYPE:ID; or, with FROM and TO, a relationship TYPE (rt_ ID, role/objecttype or role/parent/child)"),
            ArgumentSpec(name: "FROM", help: "with TYPE: the link's from record (TYPE:ID or a bare ID)", optional: true),
            ArgumentSpec(name: "TO", help: "with TYPE: the link's to record", optional: true),
        ],
        options: [
            .value("limit", "N", "entries per page (1–\(Limits.pageSizeMax), default \(Limits.pageSizeDefault))"),
            .value("after", "CURSOR", "continue after this cursor (printed at the end of the previous page)"),
        ] + CommonOptions.reading,
        discussion: """
            Every link, unlink and attribute change on either end of a link of RECORD, and every change of
            RECORD's own fields (an erased record's values show as {"erased":true}), with seq, time, actor
            and reason, and the link's name from RECORD's side (its role, or its type's inverse role where
            RECORD is the `to`). A RECORD whose type is not defined is unknown_object_type (exit 1).

            With TYPE FROM TO: every version of that one link (a version runs from a link to its unlink),
            oldest first, with its attributes at its end (or now) and every event that made, changed or
            ended it, each with seq, time, actor, principal and reason. A link never made is
            relationship_not_found (exit 1).
            """,
        examples: ["ties history person:user_123", "ties history person:user_123 --limit 10 --after h57",
                   "ties history placed/order person:user_123 order:ord_998"])

    static func run(_ context: Context) throws -> Int32 {
        let positionals = context.arguments.positionals
        switch positionals.count {
        case 1: break
        case 3: return try linkStory(context)
        default: throw context.usage("give RECORD, or TYPE FROM TO for one link's story")
        }
        let record = try context.record(positionals[0])
        let limit = try context.arguments.integer("limit", in: 1...Int64(Limits.pageSizeMax), command: spec.name) ?? Int64(Limits.pageSizeDefault)
        let page = try context.openLedger(.read).history(of: record, limit: Int(limit), after: context.arguments.value("after"))
        context.emit(page.jsonValue, lines: lines(page))
        return CLI.ExitCode.ok
    }

    /// `ties history TYPE FROM TO`.
    private static func linkStory(_ context: Context) throws -> Int32 {
        let positionals = context.arguments.positionals
        let reference = try LinkArguments.typeReference(positionals[0], context)
        let ledger = try context.openLedger(.read)
        let link = try ledger.link(reference, from: positionals[1], to: positionals[2])
        let versions = try ledger.versions(of: link)
        guard !versions.isEmpty else {
            throw LedgerError(.relationshipNotFound, "\(link.from) → \(link.to) was never linked in \(link.typeId)", details: ["relationship": linkJSON(link)])
        }
        var json = linkJSON(link).objectValue ?? [:]
        json["versions"] = .array(versions.map(\.jsonValue))
        var lines = ["\(link.from) → \(link.to) [\(link.typeId)]: \(versions.count) version\(versions.count == 1 ? "" : "s")"]
        for version in versions {
            let span = "seq \(version.fromSeq) \(version.fromAt) – " + (version.toSeq.map { "seq \($0) \(version.toAt.map(\.description) ?? "")" } ?? "now")
            lines.append("\(span)  \(JSONValue.object(version.attributes).encodedString)")
            for entry in version.events { lines.append("  " + line(entry) + "  " + describe(entry.event)) }
        }
        context.emit(.object(json), lines: lines)
        return CLI.ExitCode.ok
    }

    /// `seq 7  2026-…Z  by support (via crm-sync)  — why`
    static func line(_ entry: HistoryEntry) -> String {
        let via = entry.principal.flatMap { $0 == entry.actor ? nil : " (via \($0))" } ?? ""
        return "seq \(entry.seq)  \(entry.at)  by \(entry.actor)\(via)\(entry.reason.map { "  — \($0)" } ?? "")"
    }

    static func lines(_ page: HistoryPage) -> [String] {
        var lines: [String] = []
        if page.entries.isEmpty { lines.append("\(page.record): no history") }
        for entry in page.entries {
            lines.append(line(entry))
            lines.append("  \(describe(entry.event))\(entry.label.map { "  (\($0))" } ?? "")")
        }
        if let next = page.next { lines.append("older entries: ties history \(page.record) --after \(next)") }
        return lines
    }

    private static func changes(_ set: Attributes, _ unset: [String]) -> String {
        let parts = (set.isEmpty ? [] : ["set " + JSONValue.object(set).encodedString]) + (unset.isEmpty ? [] : ["unset " + unset.joined(separator: ", ")])
        return parts.isEmpty ? "created" : parts.joined(separator: "; ")
    }

    /// How the records were found, when a side was matched by an identifier.
    private static func describe(_ matchedBy: MatchedBy) -> String {
        let sides = [matchedBy.from.map { "from by \($0)" }, matchedBy.to.map { "to by \($0)" }].compactMap { $0 }
        return sides.isEmpty ? "" : " (matched \(sides.joined(separator: ", ")))"
    }

    static func describe(_ event: Event) -> String {
        switch event {
        case .linked(let key, let attributes, let matchedBy):
            return "linked \(key.from) → \(key.to) [\(key.typeId)]\(attributes.isEmpty ? "" : " " + JSONValue.object(attributes).encodedString)"
                + describe(matchedBy)
        case .unlinked(let key, let matchedBy):
            return "unlinked \(key.from) → \(key.to) [\(key.typeId)]" + describe(matchedBy)
        case .attributesChanged(let key, let set, let unset, let matchedBy):
            return "attributes of \(key.from) → \(key.to) [\(key.typeId)]: \(changes(set, unset))" + describe(matchedBy)
        case .recordUpserted(let record, let set, let unset):
            return "fields of \(record): \(changes(set.mapValues(\.shown), unset))"
        case .recordErased(let record):
            return "erased the fields of \(record)"
        default:
            return event.name
        }
    }
}
