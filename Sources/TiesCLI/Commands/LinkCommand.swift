import TiesCore
import TiesStore

struct LinkCommand: Command {
    static let spec = CommandSpec(
        name: "link", summary: "link two records (one commit)",
        arguments: LinkArguments.arguments,
        options: [.value("attr", "K=V", "an attribute; V is a JSON scalar (3, true, null, \"007\") or plain text", repeatable: true)] + CommonOptions.oneCommit,
        discussion: "Linking an existing link with no new attributes appends nothing (created: false);\nwith new attribute values it records only the change.\n\n" + LinkArguments.matchingHelp,
        examples: ["ties link placed/order person:user_123 order:ord_998 --attr channel=web", "ties link rt_abcd2345 user_123 ord_998"])

    static func run(_ context: Context) throws -> Int32 {
        let target = try WriteTarget(context)
        let request = try LinkArguments.request(context, ledger: try target.reader())
        let receipt = try commit([.link(request, attributes: try LinkArguments.attributes(context))], context, into: target)
        guard let result = receipt.results.first, case .link(let key, let created, let changed) = result else { return CLI.ExitCode.ok }
        let text = created ? "linked \(key.from) → \(key.to) in \(key.typeId) (seq \(receipt.lastSeq ?? 0))"
            : changed ? "already linked; attributes updated (seq \(receipt.lastSeq ?? 0))"
            : "already linked with these attributes; nothing appended"
        context.emit(result.jsonValue(seq: receipt.lastSeq), text: text)
        return CLI.ExitCode.ok
    }
}
