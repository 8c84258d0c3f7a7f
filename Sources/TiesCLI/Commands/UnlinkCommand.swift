import TiesCore
import TiesStore

struct UnlinkCommand: Command {
    static let spec = CommandSpec(
        name: "unlink", summary: "remove a link (one commit; history keeps it)",
        arguments: LinkArguments.arguments, options: CommonOptions.oneCommit,
        discussion: "Fails with relationship_not_found if the link does not exist now.\n\n" + LinkArguments.matchingHelp,
        examples: ["ties unlink placed/order person:user_123 order:ord_998 --reason \"order cancelled\""])

    static func run(_ context: Context) throws -> Int32 {
        let target = try WriteTarget(context)
        let request = try LinkArguments.request(context, ledger: try target.reader())
        let receipt = try commit([.unlink(request)], context, into: target)
        guard let result = receipt.results.first, case .unlink(let key) = result else { return CLI.ExitCode.ok }
        context.emit(result.jsonValue(seq: receipt.lastSeq),
                     text: "unlinked \(key.from) → \(key.to) in \(key.typeId) (seq \(receipt.lastSeq ?? 0))")
        return CLI.ExitCode.ok
    }
}
