import TiesCore

/// A JSON document read leniently for assertions: a missing field is a
/// `JSONDoc` holding nil, so chains like `body["existing"]["from"]` never trap.
public struct JSONDoc: CustomStringConvertible, Sendable {
    public let value: JSONValue?

    public init(_ value: JSONValue?) { self.value = value }

    /// Parses `bytes`; a document that is not JSON reads as absent.
    public init(parsing bytes: [UInt8]) { self.init(try? JSONParser.parse(bytes)) }

    public subscript(_ key: String) -> JSONDoc { JSONDoc(value?.objectValue?[key]) }

    public subscript(_ index: Int) -> JSONDoc {
        guard let array = value?.arrayValue, array.indices.contains(index) else { return JSONDoc(nil) }
        return JSONDoc(array[index])
    }

    public var string: String? { value?.stringValue }
    public var int: Int64? { value?.int64Value }
    public var bool: Bool? { value?.boolValue }
    public var array: [JSONDoc] { (value?.arrayValue ?? []).map(JSONDoc.init) }
    public var keys: Set<String> { Set(value?.objectValue?.keys ?? [:].keys) }
    public var isNull: Bool { value == .null }
    public var exists: Bool { value != nil }

    public var description: String { value.map { $0.encodedString } ?? "(absent)" }
}
