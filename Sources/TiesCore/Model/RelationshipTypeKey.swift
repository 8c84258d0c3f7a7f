/// What identifies a relationship type for upserts: kind, role and the object
/// types at both ends (`person` on the from side of `person_to_co`).
public struct RelationshipTypeKey: Hashable, Sendable, CustomStringConvertible {
    public var kind: RelationshipKind
    public var role: String
    public var fromType: String
    public var toType: String

    public init(kind: RelationshipKind, role: String, fromType: String, toType: String) {
        self.kind = kind
        self.role = role
        self.fromType = fromType
        self.toType = toType
    }

    /// A person_to_co key: person → `customObjectType`.
    public static func personToCo(role: String, objectType: String) -> RelationshipTypeKey {
        RelationshipTypeKey(kind: .personToCo, role: role, fromType: RecordRef.personType, toType: objectType)
    }

    /// A co_to_co key: `parent` → `child`.
    public static func coToCo(role: String, parent: String, child: String) -> RelationshipTypeKey {
        RelationshipTypeKey(kind: .coToCo, role: role, fromType: parent, toType: child)
    }

    /// The key as operations and answers write it: `kind`, `role` and
    /// `customObjectType`, or `parentCustomObjectType` + `childCustomObjectType`.
    public var jsonFields: [String: JSONValue] {
        var fields: [String: JSONValue] = ["kind": .string(kind.rawValue), "role": .string(role)]
        switch kind {
        case .personToCo:
            fields["customObjectType"] = .string(toType)
        case .coToCo:
            fields["parentCustomObjectType"] = .string(fromType)
            fields["childCustomObjectType"] = .string(toType)
        }
        return fields
    }

    /// The CLI spelling: `role/objecttype` or `role/parent/child`.
    public var description: String {
        kind == .personToCo ? "\(role)/\(toType)" : "\(role)/\(fromType)/\(toType)"
    }
}
