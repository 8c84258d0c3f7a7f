import TiesCore
import TiesStore

/// A request matched to a route: decoded path parameters and query, the
/// key that made it and the bucket it draws on (nil: not rate limited).
struct APIRequest {
    let http: HTTPRequest
    let parameters: [String: String]
    let query: [String: String]
    let key: APIKey?
    let bucket: KeyBucket?

    var actor: String { key?.name ?? "anonymous" }

    func queryInt(_ name: String, in range: ClosedRange<Int64>, default value: Int64) throws(LedgerError) -> Int64 {
        guard let text = query[name] else { return value }
        guard let number = Int64(text), range.contains(number) else {
            throw LedgerError(.invalidField, "'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                              details: ["field": .string(name)])
        }
        return number
    }
}
