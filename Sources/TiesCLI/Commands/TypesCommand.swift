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
        lines += catalog.objectTypes.isEmpty ? ["  (none)"] : catalog.objectTypes.map { "  \(describe($0))" }
        lines.append("relationship types:")
        lines += catalog.relationshipTypes.isEmpty ? ["  (none)"] : catalog.relationshipTypes.map { "  \($0.id)  \(describe($0))" }
        context.emit(catalog.jsonValue, lines: lines)
        return CLI.ExitCode.ok
    }

    /// `person  identifiers: email (unique), city  requires records — description`
    static func describe(_ type: ObjectType) -> String {
        var text = type.name
        if !type.identifiers.isEmpty {
            text += "  identifiers: " + type.identifiers.map { $0.field + ($0.unique ? " (unique)" : "") }.joined(separator: ", ")
        }
        if type.requireRecords { text += "  requires records" }
        if let description = type.description { text += "  — \(description)" }
        return text
    }

    /// `person_to_co placed/order ONE_TO_MANY bidirectional inverse placed_by — description`
    static func describe(_ type: RelationshipType) -> String {
        var text = "\(type.key.kind.rawValue) \(type.key)  \(type.key.fromType) → \(type.key.toType)"
        if let cardinality = type.cardinality { text += "  \(cardinality.rawValue)" }
        if type.bidirectional { text += "  bidirectional" }
        if let inverseRole = type.inverseRole { text += "  inverse \(inverseRole)" }
        if let description = type.description { text += "  — \(description)" }
        return text
    }
}
