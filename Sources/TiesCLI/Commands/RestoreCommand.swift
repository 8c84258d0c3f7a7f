import TiesCore
import TiesPresentation
import TiesStore

struct RestoreCommand: Command {
    static let spec = CommandSpec(
        name: "restore", summary: "make a link as it was at a past point (ordinary, audited events)",
        arguments: LinkArguments.arguments,
        options: [.value("as-of", "T", "required: the seq (1234) or RFC 3339 time whose state of the link to restore")] + CommonOptions.oneCommit,
        discussion: """
            Links the link again with the attributes it had at T, or, if it is linked now, sets its
            attributes back to exactly those. The change is an ordinary link or attribute change, so it is
            in the history and can itself be undone. It obeys cardinality like a link; a link that did
            not exist at T is relationship_not_found (exit 1); already as it was appends nothing.
            FROM and TO are named by ID (TYPE:ID or a bare ID).
            """,
        examples: ["ties restore placed/order person:user_123 order:ord_998 --as-of 2026-03-03T00:00:00Z --reason \"removed by mistake\""])

    static func run(_ context: Context) throws -> Int32 {
        guard let point = try context.asOf(context.arguments.value("as-of")) else { throw context.usage("restore needs --as-of T") }
        let target = try WriteTarget(context)
        let request = try LinkArguments.request(context, ledger: try target.reader())
        let receipt = try commit([try target.reader().restoreOperation(request, asOf: point)], context, into: target)
        guard let result = receipt.results.first else { return CLI.ExitCode.ok }
        let text: String = switch result {
        case .link(let key, _, _): "linked \(key.from) → \(key.to) again as of \(point) (seq \(receipt.lastSeq ?? 0))"
        case .attributes(let key, true): "set the attributes of \(key.from) → \(key.to) back to those of \(point) (seq \(receipt.lastSeq ?? 0))"
        default: "the link is already as it was; nothing appended"
        }
        context.emit(result.jsonValue(seq: receipt.lastSeq), text: text)
        return CLI.ExitCode.ok
    }
}
