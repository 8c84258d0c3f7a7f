import TiesCore

/// The name of one ledger of a `ties serve --ledgers DIR`: 1–64 characters
/// of `a-z 0-9 - _`, so it is a directory name under DIR and a URL path
/// segment exactly as written (nothing to escape, nothing to normalise).
public struct LedgerName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let text: String

    /// nil when `text` is not a valid name.
    public init?(_ text: String) {
        let bytes = text.utf8
        guard (1...Limits.ledgerNameCharactersMax).contains(bytes.count), bytes.allSatisfy(Self.allowed) else { return nil }
        self.text = text
    }

    /// A name given by a user: `invalid_field` naming `field` when it is not valid.
    public static func parse(_ text: String, field: String = "name") throws(LedgerError) -> LedgerName {
        guard let name = LedgerName(text) else {
            throw LedgerError(.invalidField, "'\(field)' must be 1–\(Limits.ledgerNameCharactersMax) characters of a-z, 0-9, - and _",
                              details: ["field": .string(field)])
        }
        return name
    }

    public var description: String { text }

    public static func < (left: LedgerName, right: LedgerName) -> Bool { left.text.utf8.lexicographicallyPrecedes(right.text.utf8) }

    private static func allowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): return true
        default: return false
        }
    }
}
