import TiesCore
import TiesStore

struct DefineTypeCommand: Command {
    static let spec = CommandSpec(
        name: "define-type", summary: "define or refine an object type (defineObjectType)",
        arguments: [ArgumentSpec(name: "NAME", help: "the type name, e.g. order (1–255 characters, no ':' or '/'); person refines the built-in type")],
        options: [
            .value("description", "D", "what the type is (1–1000 characters)"),
            .value("identifier", "FIELD[:unique]", "a field records can be matched and found by; :unique allows each value once", repeatable: true),
            .flag("require-records", "links may name only records that were upserted (ties record set)"),
            .flag("no-require-records", "links may name any record again"),
        ] + CommonOptions.oneCommit,
        discussion: """
            Object types must be defined before relationship types use them. `person` is built in, and can be
            refined like any other type. Defining a type again is an upsert: what you leave out is kept,
            identifiers are added (or have :unique set as given), and nothing new appends nothing.
            Making an identifier unique fails with duplicate_identifier while two records share a value.
            See the Records article of the TiesCore documentation.
            """,
        examples: [
            "ties define-type order --description \"A purchase\"",
            "ties define-type person --identifier email:unique --identifier phone",
            "ties define-type order --identifier number:unique --require-records",
        ])

    static func run(_ context: Context) throws -> Int32 {
        let name = context.arguments.positionals[0]
        if context.arguments.flag("require-records") && context.arguments.flag("no-require-records") {
            throw context.usage("give --require-records or --no-require-records, not both")
        }
        let requireRecords: Bool? = context.arguments.flag("require-records") ? true : context.arguments.flag("no-require-records") ? false : nil
        let identifiers = try context.arguments.all("identifier").map { text throws -> Identifier in
            let unique = text.hasSuffix(":unique")
            let field = unique ? String(text.dropLast(":unique".count)) : text
            guard !field.isEmpty else { throw context.usage("--identifier needs a field name, e.g. --identifier email:unique") }
            return Identifier(field: field, unique: unique)
        }
        let operation = Operation.defineObjectType(ObjectTypeDefinition(
            name: name, description: context.arguments.value("description"), identifiers: identifiers, requireRecords: requireRecords))
        let receipt = try commit([operation], context)
        guard let result = receipt.results.first, case .objectType(_, let created, let changed) = result else { return CLI.ExitCode.ok }
        let text = created ? "defined object type '\(name)' (seq \(receipt.lastSeq ?? 0))"
            : changed ? "updated object type '\(name)' (seq \(receipt.lastSeq ?? 0))"
            : "object type '\(name)' is already defined as asked; nothing appended"
        context.emit(result.jsonValue(seq: receipt.lastSeq), text: text)
        return CLI.ExitCode.ok
    }
}
