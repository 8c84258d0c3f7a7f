/// A person or custom object, written `TYPE:ID` (`person:user_123`).
///
/// The type is everything before the *first* `:`; the ID is the rest and may
/// itself contain `:` and `/` (TiesCore.docc/Vocabulary.md), so `order:eu:17` is ID `eu:17`.
public struct RecordRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var type: String
    public var id: String

    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }

    /// The built-in object type of people.
    public static let personType = "person"

    /// Splits `TYPE:ID` on the first `:`; nil when there is no `:` or either
    /// side is empty. Limits are checked by `Validation.record`.
    public init?(parsing text: String) {
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let type = String(text[..<colon])
        let id = String(text[text.utf8.index(after: colon)...])
        guard !type.isEmpty, !id.isEmpty else { return nil }
        self.init(type: type, id: id)
    }

    public var description: String { "\(type):\(id)" }

    /// Byte-wise, like SQLite: see `utf8Equals`.
    public static func == (lhs: RecordRef, rhs: RecordRef) -> Bool {
        lhs.type.utf8Equals(rhs.type) && lhs.id.utf8Equals(rhs.id)
    }

    public func hash(into hasher: inout Hasher) {
        type.hashUTF8(into: &hasher)
        id.hashUTF8(into: &hasher)
    }

    /// Byte-wise order of `TYPE:ID`, as SQLite orders the projection's
    /// `ref`s, without building either text: sorts compare records often.
    public static func < (lhs: RecordRef, rhs: RecordRef) -> Bool {
        let colon = UInt8(ascii: ":")
        return withUTF8Bytes(lhs.type) { lhsType in
            withUTF8Bytes(rhs.type) { rhsType in
                if let index = firstDifference(lhsType, rhsType) { return lhsType[index] < rhsType[index] }
                if lhsType.count == rhsType.count { return utf8Less(lhs.id, rhs.id) }
                // One type is a prefix of the other: its ':' meets the longer type's next byte.
                let common = min(lhsType.count, rhsType.count)
                let next = lhsType.count < rhsType.count ? rhsType[common] : lhsType[common]
                guard next != colon else {
                    // Only a type holding ':', which no valid record has.
                    return lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
                }
                return lhsType.count < rhsType.count ? colon < next : next < colon
            }
        }
    }
}
