/// Identifies one link: type, from record and to record, each by external
/// ID or by a match on an identifier (the record types come from the
/// relationship type).
public struct LinkRequest: Hashable, Sendable {
    public var type: RelationshipTypeReference
    public var from: RecordSelector
    public var to: RecordSelector
    public var style: EndpointStyle

    public init(type: RelationshipTypeReference, from: RecordSelector, to: RecordSelector, style: EndpointStyle) {
        self.type = type
        self.from = from
        self.to = to
        self.style = style
    }

    public init(type: RelationshipTypeReference, fromID: String, toID: String, style: EndpointStyle) {
        self.init(type: type, from: .id(fromID), to: .id(toID), style: style)
    }
}

/// How an operation names a record: by its external ID, or by the value
/// of one of its type's identifiers (`personMatch`, `TYPE[FIELD=VALUE]`).
public enum RecordSelector: Hashable, Sendable {
    case id(String)
    case match(FieldMatch)
}

/// `{"field":"email","value":"ada@example.com"}`: the value compares as a
/// JSON value (the string "1" is not the number 1).
public struct FieldMatch: Hashable, Sendable {
    public var field: String
    public var value: JSONValue

    public init(field: String, value: JSONValue) {
        self.field = field
        self.value = value
    }
}
