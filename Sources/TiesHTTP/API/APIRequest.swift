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

    /// Refuses a query parameter the endpoint does not take: a misspelt
    /// name silently ignored would answer another question than the one asked.
    func rejectUnknownQuery(allowed: Set<String>) throws(LedgerError) {
        guard let unknown = query.keys.sorted(by: utf8Less).first(where: { !allowed.contains($0) }) else { return }
        throw LedgerError(.invalidField, "unknown query parameter '\(unknown)'; this endpoint takes \(allowed.sorted().joined(separator: ", "))",
                          details: ["field": .string(unknown)])
    }

    func queryInt(_ name: String, in range: ClosedRange<Int64>, default value: Int64) throws(LedgerError) -> Int64 {
        guard let text = query[name] else { return value }
        guard let number = Int64(text), range.contains(number) else {
            throw LedgerError(.invalidField, "'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                              details: ["field": .string(name)])
        }
        return number
    }

    /// `asOf`: a seq or an RFC 3339 time, nil when absent.
    func queryAsOf() throws(LedgerError) -> AsOf? {
        guard let text = query["asOf"] else { return nil }
        guard let point = AsOf(parsing: text) else {
            throw LedgerError(.invalidField, "'asOf' must be a seq (1234) or an RFC 3339 time (2026-11-01T00:00:00Z)", details: ["field": .string("asOf")])
        }
        return point
    }

    /// A required point in time: a seq or an RFC 3339 time.
    func requiredPoint(_ name: String) throws(LedgerError) -> AsOf {
        guard let text = query[name], let point = AsOf(parsing: text) else {
            throw LedgerError(.invalidField, "'\(name)' is required: a seq (1234) or an RFC 3339 time (2026-11-01T00:00:00Z)",
                              details: ["field": .string(name)])
        }
        return point
    }

    /// An optional record, `TYPE:ID`.
    func queryRecord(_ name: String) throws(LedgerError) -> RecordRef? {
        guard let text = query[name] else { return nil }
        guard let record = RecordRef(parsing: text) else {
            throw LedgerError(.invalidField, "'\(name)' must be TYPE:ID", details: ["field": .string(name)])
        }
        try Validation.recordID(record.id, field: name)
        return record
    }

    /// An optional relationship type: an `rt_` ID or a key `role/objecttype`, `role/parent/child`.
    func queryTypeReference(_ name: String) throws(LedgerError) -> RelationshipTypeReference? {
        guard let text = query[name] else { return nil }
        guard let reference = RelationshipTypeReference(parsing: text) else {
            throw LedgerError(.invalidField, "'\(name)' must be an rt_ ID, role/objecttype or role/parent/child", details: ["field": .string(name)])
        }
        return reference
    }

    /// An optional point in time: a seq or an RFC 3339 time.
    func queryPoint(_ name: String) throws(LedgerError) -> AsOf? {
        guard query[name] != nil else { return nil }
        return try requiredPoint(name)
    }
}
