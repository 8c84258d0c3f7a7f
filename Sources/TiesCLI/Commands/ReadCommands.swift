import TiesCore
import TiesStore
import TiesSystem

struct TypesCommand: Command {
    static let spec = CommandSpec(
        name: "types", summary: "list object types and relationship types",
        options: CommonOptions.reading, examples: ["ties types", "ties types --json | jq '.relationshipTypes[].relationshipTypeId'"])

    static func run(_ context: Context) throws -> Int32 {
        let catalog = try context.openLedger(.read).catalog
        var lines = ["object types:"]
        lines += catalog.objectTypes.isEmpty ? ["  (none)"] : catalog.objectTypes.map { "  \($0.name)\($0.description.map { "  — \($0)" } ?? "")" }
        lines.append("relationship types:")
        lines += catalog.relationshipTypes.isEmpty ? ["  (none)"] : catalog.relationshipTypes.map { "  \($0.id)  \(describe($0))" }
        context.emit(catalog.jsonValue, text: lines.joined(separator: "\n"))
        return CLI.ExitCode.ok
    }

    /// `person_to_co placed/order ONE_TO_MANY bidirectional — description`
    static func describe(_ type: RelationshipType) -> String {
        var text = "\(type.key.kind.rawValue) \(type.key)  \(type.key.fromType) → \(type.key.toType)"
        if let cardinality = type.cardinality { text += "  \(cardinality.rawValue)" }
        if type.bidirectional { text += "  bidirectional" }
        if let description = type.description { text += "  — \(description)" }
        return text
    }
}

struct ShowCommand: Command {
    static let spec = CommandSpec(
        name: "show", summary: "a record's relationships now, or as of a seq or time",
        arguments: [ArgumentSpec(name: "RECORD", help: "TYPE:ID, split on the first ':' (order:eu:17 is ID 'eu:17')")],
        options: [.value("as-of", "T", "a seq (1234) or an RFC 3339 time (2026-11-01T00:00:00Z): the state after the last commit at or before it")] + CommonOptions.reading,
        discussion: "Lists links the record is the `from` of, and links it is the `to` of in bidirectional types (direction: inverse).\nAs-of answers come from the stored validity interval of every link version, not from a replay.",
        examples: ["ties show person:user_123", "ties show person:user_123 --as-of 42", "ties show order:ord_998 --as-of 2026-03-03T23:59:59Z --json"])

    static func run(_ context: Context) throws -> Int32 {
        let record = try context.record(context.arguments.positionals[0])
        let point = try context.asOf(context.arguments.value("as-of"))
        let view = try context.openLedger(.read).relationships(of: record, asOf: point)
        context.emit(view.jsonValue, text: text(view, asked: point))
        return CLI.ExitCode.ok
    }

    static func text(_ view: RecordRelationships, asked point: AsOf?) -> String {
        let when = view.at.map { " (\($0))" } ?? ""
        var lines = ["\(view.record) — \(point == nil ? "now" : "as of \(point!)"): state at seq \(view.seq)\(when)"]
        if view.links.isEmpty { lines.append("  (no relationships)") }
        for link in view.links {
            let other = link.direction == .forward ? "→ \(link.to)" : "← \(link.from)"
            let attributes = link.attributes.isEmpty ? "" : "  \(JSONValue.object(link.attributes).encodedString)"
            lines.append("  \(link.type.key.role) \(other)  [\(link.type.id)]\(attributes)  since seq \(link.linkedSeq)")
        }
        return lines.joined(separator: "\n")
    }
}

struct HistoryCommand: Command {
    static let spec = CommandSpec(
        name: "history", summary: "a record's audit trail, newest first",
        arguments: [ArgumentSpec(name: "RECORD", help: "TYPE:ID")],
        options: [
            .value("limit", "N", "entries per page (1–\(Limits.pageSizeMax), default \(Limits.pageSizeDefault))"),
            .value("after", "CURSOR", "continue after this cursor (printed at the end of the previous page)"),
        ] + CommonOptions.reading,
        discussion: "Every link, unlink and attribute change on either end of a link of RECORD, with seq, time,\nactor and reason.",
        examples: ["ties history person:user_123", "ties history person:user_123 --limit 10 --after h57"])

    static func run(_ context: Context) throws -> Int32 {
        let record = try context.record(context.arguments.positionals[0])
        let limit = try context.arguments.integer("limit", in: 1...Int64(Limits.pageSizeMax), command: spec.name) ?? Int64(Limits.pageSizeDefault)
        let page = try context.openLedger(.read).history(of: record, limit: Int(limit), after: context.arguments.value("after"))
        context.emit(page.jsonValue, text: text(page))
        return CLI.ExitCode.ok
    }

    static func text(_ page: HistoryPage) -> String {
        var lines: [String] = []
        if page.entries.isEmpty { lines.append("\(page.record): no history") }
        for entry in page.entries {
            lines.append("seq \(entry.seq)  \(entry.at)  by \(entry.actor)\(entry.reason.map { "  — \($0)" } ?? "")")
            lines.append("  \(describe(entry.event))")
        }
        if let next = page.next { lines.append("older entries: ties history \(page.record) --after \(next)") }
        return lines.joined(separator: "\n")
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

struct LogCommand: Command {
    static let spec = CommandSpec(
        name: "log", summary: "print the log as JSON Lines (one commit per line)",
        options: [
            .value("from", "SEQ", "start at the commit that holds SEQ (default: the first)"),
            .flag("follow", "keep waiting for new commits (stop with Ctrl-C)"),
            .value("poll-ms", "MS", "with --follow: how often to look for new commits (default \(Limits.followPollMsDefault), \(Limits.followPollMsMin)–\(Limits.followPollMsMax))"),
        ] + CommonOptions.reading,
        discussion: "Each line is a commit exactly as stored, checked (checksum, hash chain) before it is printed.",
        examples: ["ties log | jq -c '.events[]'", "ties log --from 1200 --follow"])

    static func run(_ context: Context) throws -> Int32 {
        let from = try context.arguments.integer("from", in: 1...Int64.max, command: spec.name) ?? 1
        let pollMs = try context.arguments.integer("poll-ms", in: Int64(Limits.followPollMsMin)...Int64(Limits.followPollMsMax), command: spec.name) ?? Int64(Limits.followPollMsDefault)
        let reader = try context.openLedger(.read).logReader(fromSeq: from)
        while true {
            while let scanned = try reader.next() {
                guard scanned.commit.lastSeq >= from else { continue }
                let line = String(decoding: scanned.sealed.line.dropLast(), as: UTF8.self)
                guard context.console.print(line) else { return CLI.ExitCode.ok }  // The reader went away.
            }
            guard context.arguments.flag("follow") else { return CLI.ExitCode.ok }
            SystemClock.sleep(milliseconds: Int(pollMs))
        }
    }
}

struct StatsCommand: Command {
    static let spec = CommandSpec(
        name: "stats", summary: "counts, sizes, head seq and hash",
        options: CommonOptions.reading, examples: ["ties stats", "ties stats --json"])

    static func run(_ context: Context) throws -> Int32 {
        let stats = try context.openLedger(.read).stats()
        let text = """
            head seq           \(stats.headSeq)
            head hash          \(stats.headHash)
            last commit        \(stats.lastCommitAt?.description ?? "none")
            commits            \(stats.commits)
            object types       \(stats.objectTypes)
            relationship types \(stats.relationshipTypes)
            current links      \(stats.currentLinks)
            link versions      \(stats.linkVersions)
            log bytes          \(stats.logBytes)
            projection bytes   \(stats.projectionBytes)
            last snapshot      \(stats.lastSnapshotSeq.map { "seq \($0)" } ?? "none")
            """
        context.emit(stats.jsonValue, text: text)
        return CLI.ExitCode.ok
    }
}
