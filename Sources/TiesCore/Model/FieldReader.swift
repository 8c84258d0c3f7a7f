/// Reads typed fields out of a JSON object with errors that name the field.
/// Used for operations (a bad field is the client's `invalid_field`) and for
/// events read back from the log (a bad field there is `ledger_damaged`).
public struct FieldReader {
    public let fields: [String: JSONValue]
    let context: String
    let failure: LedgerError.Code

    public init(_ value: JSONValue, context: String, failure: LedgerError.Code) throws(LedgerError) {
        guard case .object(let fields) = value else {
            throw LedgerError(failure, "\(context) must be a JSON object")
        }
        self.fields = fields
        self.context = context
        self.failure = failure
    }

    func fail(_ field: String, _ problem: String) -> LedgerError {
        LedgerError(failure, "\(context): field '\(field)' \(problem)", details: ["field": .string(field)])
    }

    public func has(_ field: String) -> Bool { fields[field] != nil }

    public func requiredString(_ field: String) throws(LedgerError) -> String {
        guard let value = try optionalString(field) else { throw fail(field, "is required") }
        return value
    }

    public func optionalString(_ field: String) throws(LedgerError) -> String? {
        switch fields[field] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw fail(field, "must be a string")
        }
    }

    public func requiredInt(_ field: String) throws(LedgerError) -> Int64 {
        guard case .int(let value)? = fields[field] else { throw fail(field, "must be an integer") }
        return value
    }

    public func optionalInt(_ field: String) throws(LedgerError) -> Int64? {
        switch fields[field] {
        case nil, .null?: return nil
        case .int(let value)?: return value
        default: throw fail(field, "must be an integer")
        }
    }

    /// An integer written either way JSON Schema's `integer` allows: `42`
    /// or `42.0` (a number whose fraction is zero), so a request the API's
    /// OpenAPI document calls valid is read as valid. Not for log fields,
    /// which are written one way only.
    public func optionalWholeNumber(_ field: String) throws(LedgerError) -> Int64? {
        switch fields[field] {
        case .double(let value)? where value == value.rounded() && abs(value) <= Self.exactDoubleIntegerMax:
            return Int64(value)
        default:
            return try optionalInt(field)
        }
    }

    /// 2^53: every integer up to it is exactly a `Double`, so none is rounded into another.
    private static let exactDoubleIntegerMax = 9_007_199_254_740_992.0

    /// An integer or a fraction, as a `Double`.
    public func optionalNumber(_ field: String) throws(LedgerError) -> Double? {
        switch fields[field] {
        case nil, .null?: return nil
        case .int(let value)?: return Double(value)
        case .double(let value)?: return value
        default: throw fail(field, "must be a number")
        }
    }

    public func optionalBool(_ field: String) throws(LedgerError) -> Bool? {
        switch fields[field] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw fail(field, "must be true or false")
        }
    }

    public func requiredObject(_ field: String) throws(LedgerError) -> [String: JSONValue] {
        guard let value = try optionalObject(field) else { throw fail(field, "is required") }
        return value
    }

    public func optionalObject(_ field: String) throws(LedgerError) -> [String: JSONValue]? {
        switch fields[field] {
        case nil, .null?: return nil
        case .object(let object)?: return object
        default: throw fail(field, "must be a JSON object")
        }
    }

    public func requiredStringArray(_ field: String) throws(LedgerError) -> [String] {
        guard let value = try optionalStringArray(field) else { throw fail(field, "is required") }
        return value
    }

    public func optionalStringArray(_ field: String) throws(LedgerError) -> [String]? {
        switch fields[field] {
        case nil, .null?: return nil
        case .array(let items)?:
            var strings: [String] = []
            strings.reserveCapacity(items.count)
            for item in items {
                guard case .string(let text) = item else { throw fail(field, "must be an array of strings") }
                strings.append(text)
            }
            return strings
        default: throw fail(field, "must be an array of strings")
        }
    }

    /// Rejects fields outside `allowed`: a misspelt optional field would
    /// otherwise be silently ignored.
    public func rejectUnknown(allowed: Set<String>) throws(LedgerError) {
        for name in fields.keys.sorted(by: utf8Less) where !allowed.contains(name) {
            throw fail(name, "is not a known field")
        }
    }
}
