import TiesCore
import TiesStore

/// The arguments `link`, `unlink` and `set-attr` share.
enum LinkArguments {
    static let arguments = [
        ArgumentSpec(name: "TYPE", help: "an rt_ ID, role/objecttype (person_to_co) or role/parent/child (co_to_co)"),
        ArgumentSpec(name: "FROM", help: "the person or parent record, e.g. person:user_123 (a bare ID works too), or TYPE[FIELD=VALUE]"),
        ArgumentSpec(name: "TO", help: "the custom object or child record, e.g. order:ord_998, or TYPE[FIELD=VALUE]"),
    ]

    /// What the FROM/TO help says about matching, for each command's discussion.
    static let matchingHelp = """
        FROM and TO may name a record by an identifier of its type instead of its ID:
        'person[email=ada@example.com]' finds the one person whose email is that value (VALUE is a JSON
        scalar when it parses as one, else text). No such record is target_record_not_found; a value
        several records hold is ambiguous_match; a field that is not an identifier is invalid_matching_field.
        """

    /// `TYPE[FIELD=VALUE]`, or nil when `text` is not in that form.
    static func match(_ text: String) -> (type: String, match: FieldMatch)? {
        guard text.hasSuffix("]"), let open = text.firstIndex(of: "["), open != text.startIndex else { return nil }
        let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
        guard let equals = inner.firstIndex(of: "="), equals != inner.startIndex else { return nil }
        let type = String(text[..<open])
        guard !type.contains(":") else { return nil }
        return (type, FieldMatch(field: String(inner[..<equals]), value: JSONValue.scalar(orText: String(inner[inner.index(after: equals)...]))))
    }

    /// `rt_…`, `role/type` or `role/parent/child`; `option` names where it came from in the usage error.
    static func typeReference(_ text: String, _ context: Context, option: String = "TYPE") throws -> RelationshipTypeReference {
        guard let reference = RelationshipTypeReference(parsing: text) else {
            throw context.usage("\(option) must be an rt_ ID, role/objecttype or role/parent/child; got '\(text)'")
        }
        return reference
    }

    /// The link the command names. FROM/TO may be `TYPE:ID` or a bare ID;
    /// a record of another known type is a mistake worth stopping.
    static func request(_ context: Context, ledger: Ledger) throws -> LinkRequest {
        let positionals = context.arguments.positionals
        let reference = try typeReference(positionals[0], context)
        let catalog = ledger.catalog
        let type: RelationshipType? = switch reference {
        case .id(let id): catalog.relationshipTypes.first { $0.id == id }
        case .key(let key): catalog.relationshipTypes.first { $0.key == key }
        }
        guard let type else {
            return LinkRequest(type: reference, from: bareSelector(positionals[1]), to: bareSelector(positionals[2]), style: .records)
        }
        let known = Set(catalog.objectTypes.map(\.name)).union([RecordRef.personType])
        func selector(_ text: String, expected: String, name: String) throws -> RecordSelector {
            if let (matchType, match) = match(text) {
                guard matchType == expected else {
                    throw context.usage("\(name) matches a '\(matchType)' record, but \(type.id) (\(type.key)) links \(type.key.fromType) → \(type.key.toType)")
                }
                return .match(match)
            }
            if text.hasPrefix(expected + ":") { return .id(String(text.dropFirst(expected.count + 1))) }
            if let record = RecordRef(parsing: text), known.contains(record.type) {
                throw context.usage("\(name) is a '\(record.type)' record, but \(type.id) (\(type.key)) links \(type.key.fromType) → \(type.key.toType)")
            }
            return .id(text)
        }
        return LinkRequest(type: .id(type.id), from: try selector(positionals[1], expected: type.key.fromType, name: "FROM"),
                           to: try selector(positionals[2], expected: type.key.toType, name: "TO"), style: .records)
    }

    /// A FROM/TO before the type is known: the decider reports the unknown type.
    private static func bareSelector(_ text: String) -> RecordSelector {
        match(text).map { .match($0.match) } ?? .id(text)
    }

    /// `--attr k=v` (or `--field k=v`, …): v is a JSON scalar if it parses
    /// as one (3, true, null, "quoted"), otherwise the text itself.
    static func attributes(_ context: Context, option: String = "attr") throws -> Attributes {
        var attributes: Attributes = [:]
        for pair in context.arguments.all(option) {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw context.usage("--\(option) must be KEY=VALUE; got '\(pair)'")
            }
            attributes[String(pair[..<equals])] = JSONValue.scalar(orText: String(pair[pair.index(after: equals)...]))
        }
        return attributes
    }
}
