/// A record field's value as a `record.upserted` event carries it: the
/// value, and the sealed form the log holds (FieldCipher). A decided event
/// has the value and is sealed by the store before it is written; an event
/// read from the log has the sealed form and gets its value when its
/// record's key opens it — never, once the record is erased.
public struct FieldValue: Hashable, Sendable {
    /// Nil when it cannot be read: its record was erased (or its key is
    /// missing from a key store restored from another backup).
    public var value: JSONValue?
    /// Nil until the store seals it.
    public var sealed: String?

    public init(value: JSONValue?, sealed: String? = nil) {
        self.value = value
        self.sealed = sealed
    }

    /// What answers show for a value that cannot be read: an object, which
    /// no field value (always a scalar) can be.
    public static let erasedMarker: JSONValue = .object(["erased": .bool(true)])

    /// The value for an answer.
    public var shown: JSONValue { value ?? Self.erasedMarker }
}

/// How an operation found the records it named by an identifier instead of
/// an ID: the identifier field per side. Kept in link events so the audit
/// trail says how each target was found (the value is the record's field
/// at that seq, and is not repeated in the log: it may be personal data).
public struct MatchedBy: Hashable, Sendable {
    public var from: String?
    public var to: String?

    public init(from: String? = nil, to: String? = nil) {
        self.from = from
        self.to = to
    }

    public var isEmpty: Bool { from == nil && to == nil }
}
