import TiesCore
import TiesStore

/// The arguments `link`, `unlink` and `set-attr` share.
enum LinkArguments {
    static let arguments = [
        ArgumentSpec(name: "TYPE", help: "an rt_ ID, role/objecttype (person_to_co) or role/parent/child (co_to_co)"),
        ArgumentSpec(name: "FROM", help: "the person or parent record, e.g. person:user_123 (a bare ID works too)"),
        ArgumentSpec(name: "TO", help: "the custom object or child record, e.g. order:ord_998"),
    ]

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
            return LinkRequest(type: reference, fromID: positionals[1], toID: positionals[2], style: .records)
        }
        let known = Set(catalog.objectTypes.map(\.name)).union([RecordRef.personType])
        func id(_ text: String, expected: String, name: String) throws -> String {
            if text.hasPrefix(expected + ":") { return String(text.dropFirst(expected.count + 1)) }
            if let record = RecordRef(parsing: text), known.contains(record.type) {
                throw context.usage("\(name) is a '\(record.type)' record, but \(type.id) (\(type.key)) links \(type.key.fromType) → \(type.key.toType)")
            }
            return text
        }
        return LinkRequest(type: .id(type.id), fromID: try id(positionals[1], expected: type.key.fromType, name: "FROM"),
                           toID: try id(positionals[2], expected: type.key.toType, name: "TO"), style: .records)
    }

    /// `--attr k=v`: v is a JSON scalar if it parses as one (3, true, null,
    /// "quoted"), otherwise the text itself.
    static func attributes(_ context: Context) throws -> Attributes {
        var attributes: Attributes = [:]
        for pair in context.arguments.all("attr") {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw context.usage("--attr must be KEY=VALUE; got '\(pair)'")
            }
            let key = String(pair[..<equals])
            let text = String(pair[pair.index(after: equals)...])
            if let value = try? JSONParser.parse(text), value.isScalar {
                attributes[key] = value
            } else {
                attributes[key] = .string(text)
            }
        }
        return attributes
    }
}
