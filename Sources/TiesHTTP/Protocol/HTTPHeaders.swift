/// Header fields in arrival order, duplicates kept. Names are stored
/// lowercased (field names are case-insensitive tokens, RFC 9110 §5.1), so a
/// lookup is a plain comparison; values are stored without surrounding
/// whitespace and are never combined, because combining changes the meaning
/// of fields such as Set-Cookie.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    private var fields: [Element] = []

    public init() {}

    /// Fields in the given order; names must be tokens (any case).
    public init(_ fields: [(String, String)]) {
        self.fields.reserveCapacity(fields.count)
        for (name, value) in fields { append(name: name, value: value) }
    }

    /// `["content-type": "application/json"]`: order is kept, duplicates allowed.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// The first value of the field `name` (any case), or nil.
    public subscript(_ name: String) -> String? {
        let key = Self.lowercased(name)
        for field in fields where field.name == key { return field.value }
        return nil
    }

    /// Every value of the field `name` (any case), in arrival order.
    public func values(_ name: String) -> [String] {
        let key = Self.lowercased(name)
        return fields.compactMap { $0.name == key ? $0.value : nil }
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Adds a field after the others. A name that is not a token would let
    /// the response serializer write something other than a header, so it
    /// is a programmer error.
    public mutating func append(name: String, value: String) {
        precondition(HTTPSyntax.isToken(name.utf8), "header name is not an HTTP token")
        fields.append((Self.lowercased(name), value))
    }

    /// Replaces every field `name` with one field holding `value`.
    public mutating func set(name: String, value: String) {
        remove(name: name)
        append(name: name, value: value)
    }

    /// Removes every field `name` (any case).
    public mutating func remove(name: String) {
        let key = Self.lowercased(name)
        fields.removeAll { $0.name == key }
    }

    /// For the parser, which has already checked the name and lowercased it.
    mutating func appendParsed(lowercasedName: String, value: String) {
        fields.append((lowercasedName, value))
    }

    mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    public func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Names are ASCII tokens; skipping the copy when there is nothing to
    /// lower keeps lookups with literal lowercase names allocation-free.
    private static func lowercased(_ name: String) -> String {
        name.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
            ? name.lowercased() : name
    }
}
