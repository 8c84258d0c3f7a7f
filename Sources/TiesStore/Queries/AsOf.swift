import TiesCore

/// A point in the ledger's past: a seq, or a time (TiesCore.docc/Vocabulary.md: the state after
/// the last commit at or before it).
public enum AsOf: Sendable, Equatable, CustomStringConvertible {
    case seq(Int64)
    case time(Timestamp)

    /// A run of digits is a seq; anything else must be RFC 3339.
    public init?(parsing text: String) {
        if !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) {
            guard let seq = Int64(text) else { return nil }
            self = .seq(seq)
        } else if let time = Timestamp(rfc3339: text) {
            self = .time(time)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .seq(let seq): return "seq \(seq)"
        case .time(let time): return time.description
        }
    }
}
