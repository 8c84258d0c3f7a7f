import TiesCore

/// Short builders for operations (TiesCore.docc/Operations.md), as values (`Op.link(…)`) and as
/// the JSON lines an import file or a batch holds (`Op.line(Op.link(…))`).
public enum Op {
    public static func define(_ name: String, description: String? = nil, identifiers: [Identifier] = [],
                              requireRecords: Bool? = nil) -> Operation {
        .defineObjectType(ObjectTypeDefinition(name: name, description: description, identifiers: identifiers, requireRecords: requireRecords))
    }

    public static func upsert(_ record: String, set: Attributes = [:], unset: [String] = []) -> Operation {
        guard let ref = RecordRef(parsing: record) else { preconditionFailure("Op.upsert needs TYPE:ID, got \(record)") }
        return .upsertRecord(ref, set: set, unset: unset)
    }

    public static func register(_ key: RelationshipTypeKey, cardinality: Cardinality? = nil, description: String? = nil,
                                bidirectional: Bool? = nil, inverseRole: String? = nil) -> Operation {
        .registerRelationshipType(Registration(key: key, cardinality: cardinality, description: description, bidirectional: bidirectional,
                                               inverseRole: inverseRole))
    }

    /// The endpoint fields that go with a kind.
    public static func style(of kind: RelationshipKind) -> EndpointStyle {
        kind == .personToCo ? .personAndObject : .parentAndChild
    }

    /// A link request naming the type by key, with the endpoint fields of its kind.
    public static func request(_ key: RelationshipTypeKey, _ from: String, _ to: String) -> LinkRequest {
        request(.key(key), from, to, kind: key.kind)
    }

    /// A link request naming the type either way, with the endpoint fields of `kind`.
    public static func request(_ type: RelationshipTypeReference, _ from: String, _ to: String, kind: RelationshipKind) -> LinkRequest {
        LinkRequest(type: type, fromID: from, toID: to, style: style(of: kind))
    }

    public static func link(_ key: RelationshipTypeKey, _ from: String, _ to: String, _ attributes: Attributes = [:]) -> Operation {
        .link(request(key, from, to), attributes: attributes)
    }

    /// A link naming its type by ID and its records as the CLI does (`TYPE:ID` style).
    public static func link(id: String, _ from: String, _ to: String, _ attributes: Attributes = [:]) -> Operation {
        .link(LinkRequest(type: .id(id), fromID: from, toID: to, style: .records), attributes: attributes)
    }

    public static func setAttributes(_ key: RelationshipTypeKey, _ from: String, _ to: String, set: Attributes = [:],
                                     unset: [String] = []) -> Operation {
        .setAttributes(request(key, from, to), set: set, unset: unset)
    }

    public static func unlink(_ key: RelationshipTypeKey, _ from: String, _ to: String) -> Operation {
        .unlink(request(key, from, to))
    }

    /// The identity of a link of a registered type.
    public static func linkKey(_ type: RelationshipType, _ from: String, _ to: String) -> LinkKey {
        LinkKey(typeId: type.id, from: RecordRef(type: type.key.fromType, id: from), to: RecordRef(type: type.key.toType, id: to))
    }

    /// `n` distinct attributes `k0…k(n-1)` with int values.
    public static func attributes(count: Int, prefix: String = "k") -> Attributes {
        Dictionary(uniqueKeysWithValues: (0..<count).map { ("\(prefix)\($0)", JSONValue.int(Int64($0))) })
    }

    /// Parses and decodes one operation line.
    public static func decode(_ line: String) throws -> Operation {
        try OperationDecoding.decode(try JSONParser.parse(line))
    }

    // MARK: JSON lines

    /// The operation line of `operation`, encoded deterministically (keys in
    /// byte order), without its newline. `Op.decode` reads it back.
    public static func line(_ operation: Operation) -> String {
        json(operation).encodedString
    }

    /// Lines of `operations`, each ended by `newline`: an import file.
    public static func file(_ operations: [Operation], newline: String = "\n") -> [UInt8] {
        Array(operations.map { line($0) + newline }.joined().utf8)
    }

    /// `{"kind":…,"role":…,"customObjectType":…}`: a type by key, as operations write it.
    public static func json(_ key: RelationshipTypeKey) -> [String: JSONValue] {
        key.jsonFields
    }

    /// The operation as a JSON object (TiesCore.docc/Operations.md).
    public static func json(_ operation: Operation) -> JSONValue {
        OperationEncoding.encode(operation)
    }
}
