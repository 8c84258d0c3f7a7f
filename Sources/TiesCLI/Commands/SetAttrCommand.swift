import TiesCore
import TiesStore

struct SetAttrCommand: Command {
    static let spec = CommandSpec(
        name: "set-attr", summary: "set or remove attributes of a link (setAttributes)",
        arguments: LinkArguments.arguments,
        options: [
            .value("attr", "K=V", "set an attribute; V is a JSON scalar or plain text", repeatable: true),
            .value("unset", "K", "remove an attribute", repeatable: true),
        ] + CommonOptions.oneCommit,
        discussion: "Only real changes are recorded; if nothing changes, nothing is appended.\n\n" + LinkArguments.matchingHelp,
        examples: ["ties set-attr placed/order person:user_123 order:ord_998 --attr status=returned --unset channel"])

    static func run(_ context: Context) throws -> Int32 {
        let target = try WriteTarget(context)
        let request = try LinkArguments.request(context, ledger: try target.reader())
        let set = try LinkArguments.attributes(context)
        let unset = context.arguments.all("unset")
        guard !set.isEmpty || !unset.isEmpty else { throw context.usage("give at least one --attr K=V or --unset K") }
        let receipt = try commit([.setAttributes(request, set: set, unset: unset)], context, into: target)
        guard let result = receipt.results.first, case .attributes(let key, let changed) = result else { return CLI.ExitCode.ok }
        context.emit(result.jsonValue(seq: receipt.lastSeq),
                     text: changed ? "attributes of \(key.from) → \(key.to) changed (seq \(receipt.lastSeq ?? 0))" : "attributes already so; nothing appended")
        return CLI.ExitCode.ok
    }
}
