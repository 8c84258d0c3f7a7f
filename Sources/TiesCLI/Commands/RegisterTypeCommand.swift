import TiesCore
import TiesStore

struct RegisterTypeCommand: Command {
    static let spec = CommandSpec(
        name: "register-type", summary: "register or refine a relationship type (upsert)",
        options: [
            .value("kind", "K", "person_to_co (person → custom object) or co_to_co (parent → child)"),
            .value("role", "R", "the role name, e.g. placed (1–255 characters, no '/')"),
            .value("object-type", "T", "person_to_co: the custom object type"),
            .value("parent", "T", "co_to_co: the parent object type"),
            .value("child", "T", "co_to_co: the child object type"),
            .value("cardinality", "C", "ONE_TO_ONE, ONE_TO_MANY, MANY_TO_ONE or MANY_TO_MANY (enforced on link)"),
            .value("description", "D", "what the relationship means"),
            .flag("bidirectional", "list links on the `to` record too (direction: inverse)"),
            .flag("no-bidirectional", "stop listing links on the `to` record"),
            .value("inverse-role", "R", "the link's name seen from the `to` record, e.g. placed_by (1–255 characters, no '/')"),
        ] + CommonOptions.oneCommit,
        discussion: """
            Registration is an upsert keyed by (kind, role, object types): registering again with
            different optional fields records only what changed; omitted fields are kept; nothing
            new appends nothing. Prints the type with its ID and whether it was created.
            --inverse-role names links from their `to` side: `ties show` labels them with it there.
            ONE_TO_MANY: a child/object has at most one person/parent. MANY_TO_ONE: the reverse.
            Tightening the cardinality of a type whose links already break it is refused.
            """,
        examples: [
            "ties register-type --kind person_to_co --role placed --object-type order --cardinality ONE_TO_MANY --inverse-role placed_by",
            "ties register-type --kind co_to_co --role contains --parent order --child line_item",
        ])

    static func run(_ context: Context) throws -> Int32 {
        let arguments = context.arguments
        guard let kindText = arguments.value("kind") else { throw context.usage("--kind is required (person_to_co or co_to_co)") }
        guard let kind = RelationshipKind(rawValue: kindText) else { throw context.usage("--kind must be person_to_co or co_to_co; got '\(kindText)'") }
        guard let role = arguments.value("role") else { throw context.usage("--role is required") }
        let key: RelationshipTypeKey
        switch kind {
        case .personToCo:
            guard let objectType = arguments.value("object-type"), arguments.value("parent") == nil, arguments.value("child") == nil else {
                throw context.usage("person_to_co takes --object-type T (and not --parent/--child)")
            }
            key = .personToCo(role: role, objectType: objectType)
        case .coToCo:
            guard let parent = arguments.value("parent"), let child = arguments.value("child"), arguments.value("object-type") == nil else {
                throw context.usage("co_to_co takes --parent T --child T (and not --object-type)")
            }
            key = .coToCo(role: role, parent: parent, child: child)
        }
        var cardinality: Cardinality?
        if let text = arguments.value("cardinality") {
            guard let parsed = Cardinality(rawValue: text.uppercased()) else {
                throw LedgerError(.invalidCardinality, "cardinality must be one of \(Cardinality.allCases.map(\.rawValue).joined(separator: ", ")); got '\(text)'")
            }
            cardinality = parsed
        }
        if arguments.flag("bidirectional") && arguments.flag("no-bidirectional") {
            throw context.usage("--bidirectional and --no-bidirectional contradict each other")
        }
        let bidirectional: Bool? = arguments.flag("bidirectional") ? true : arguments.flag("no-bidirectional") ? false : nil
        let registration = Registration(key: key, cardinality: cardinality, description: arguments.value("description"), bidirectional: bidirectional,
                                        inverseRole: arguments.value("inverse-role"))
        let receipt = try commit([.registerRelationshipType(registration)], context)
        guard let result = receipt.results.first, case .relationshipType(let type, let created, let changed) = result else { return CLI.ExitCode.ok }
        let status = created ? "created, seq \(receipt.lastSeq ?? 0)" : changed ? "updated, seq \(receipt.lastSeq ?? 0)" : "unchanged; nothing appended"
        context.emit(result.jsonValue(seq: receipt.lastSeq), text: "\(type.id)  \(TypesCommand.describe(type))  (\(status))")
        return CLI.ExitCode.ok
    }
}
