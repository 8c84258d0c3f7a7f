import TiesCore
import TiesTestSupport

/// Record names, shared by the generator and the query sampler.
enum RecordNames {
    static func person(_ n: Int) -> String { "u\(n)" }
    static func order(_ n: Int) -> String { "o\(n)" }
    static func lineItem(_ n: Int) -> String { "i\(n)" }
    static func household(_ n: Int) -> String { "h\(n)" }
    static func account(_ n: Int) -> String { "a\(n)" }
    /// Person `n`'s email, the unique identifier of person records.
    static func email(_ n: Int) -> String { "p\(n)@example.com" }
}
