import TiesCore
import TiesStore

struct DefineTypeCommand: Command {
    static let spec = CommandSpec(
        name: "define-type", summary: "define a custom object type (defineObjectType)",
        arguments: [ArgumentSpec(name: "NAME", help: "the type name, e.g. order (1–255 characters, no ':' or '/')")],
        options: [.value("description", "D", "what the type is (1–1000 characters)")] + CommonOptions.writing,
        discussion: "Object types must be defined before relationship types use them. `person` is built in.\nDefining a type again with the same description appends nothing; with another description it replaces it.",
        examples: ["ties define-type order --description \"A purchase\""])

    static func run(_ context: Context) throws -> Int32 {
        let name = context.arguments.positionals[0]
        let operation = Operation.defineObjectType(ObjectType(name: name, description: context.arguments.value("description")))
        let receipt = try commit([operation], context)
        guard let result = receipt.results.first, case .objectType(_, let created, let changed) = result else { return CLI.ExitCode.ok }
        let text = created ? "defined object type '\(name)' (seq \(receipt.lastSeq ?? 0))"
            : changed ? "updated the description of '\(name)' (seq \(receipt.lastSeq ?? 0))"
            : "object type '\(name)' is already defined; nothing appended"
        context.emit(result.jsonValue(seq: receipt.lastSeq), text: text)
        return CLI.ExitCode.ok
    }
}
