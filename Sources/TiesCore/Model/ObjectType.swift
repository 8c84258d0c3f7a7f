/// An object type: a defined custom type, or `person` (built in, refinable).
public struct ObjectType: Hashable, Sendable {
    public var name: String
    public var description: String?
    /// The fields its records can be matched and looked up by.
    public var identifiers: [Identifier]
    /// Whether links may name only records that were upserted.
    public var requireRecords: Bool

    public init(name: String, description: String?, identifiers: [Identifier] = [], requireRecords: Bool = false) {
        self.name = name
        self.description = description
        self.identifiers = identifiers
        self.requireRecords = requireRecords
    }

    /// `person` before anything refined it.
    public static let person = ObjectType(name: RecordRef.personType, description: nil)

    public func identifier(_ field: String) -> Identifier? {
        identifiers.first { $0.field.utf8Equals(field) }
    }
}

/// A matchable field of an object type; `unique` ones hold each value at
/// most once among the type's records.
public struct Identifier: Hashable, Sendable {
    public var field: String
    public var unique: Bool

    public init(field: String, unique: Bool) {
        self.field = field
        self.unique = unique
    }

    public var jsonValue: JSONValue {
        .object(["field": .string(field), "unique": .bool(unique)])
    }
}

extension ObjectType {
    /// The type as answers and exports write it; identifiers and
    /// requireRecords appear once set, so answers about ledgers that use
    /// neither read as they always have.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = ["name": .string(name), "description": description.map(JSONValue.string) ?? .null]
        if !identifiers.isEmpty { object["identifiers"] = .array(identifiers.map(\.jsonValue)) }
        if requireRecords { object["requireRecords"] = .bool(true) }
        return .object(object)
    }
}
