/// A parsed JSON document. Numbers keep the integer/non-integer distinction of
/// their literal so identifiers and counters survive a round trip exactly.
/// Hashable so that model types holding attribute dictionaries can be too.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A number literal with no fraction or exponent that fits `Int64`.
    case int(Int64)
    /// Any other finite number (fractions, exponents, integers beyond `Int64`).
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// Only `.int`: a `.double` is never silently truncated into an integer.
    public var int64Value: Int64? {
        if case .int(let n) = self { return n }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// Strings compare byte for byte (see `utf8Equals`): an attribute set to
    /// another spelling of the same text is a change worth recording.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return a.utf8Equals(b)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(1); hasher.combine(value)
        case .int(let value): hasher.combine(2); hasher.combine(value)
        case .double(let value): hasher.combine(3); hasher.combine(value)
        case .string(let value): hasher.combine(4); value.hashUTF8(into: &hasher)
        case .array(let values): hasher.combine(5); hasher.combine(values)
        case .object(let fields): hasher.combine(6); hasher.combine(fields)
        }
    }

    /// True for every case that is not a container.
    public var isScalar: Bool {
        switch self {
        case .null, .bool, .int, .double, .string: return true
        case .array, .object: return false
        }
    }
}

extension JSONValue {
    /// How the CLI's `K=V` options and the HTTP lookup's `value` read a
    /// value: a JSON scalar when the text parses as one (3, true, null,
    /// "quoted"), otherwise the text itself as a string.
    public static func scalar(orText text: String) -> JSONValue {
        if let value = try? JSONParser.parse(Array(text.utf8)), value.isScalar { return value }
        return .string(text)
    }
}
