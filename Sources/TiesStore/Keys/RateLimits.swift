import TiesCore

/// The two buckets of an API key (TiesHTTP.docc/Headers.md, "Rate
/// limits"): one for reads, one for writes. Either may be absent, which
/// leaves that kind of request unlimited. A server's defaults come from
/// config.json (`"rateLimits"`), a key's own from `ties keys create
/// --read-rate/--write-rate`; a key's own limit wins.
public struct RateLimits: Sendable, Equatable {
    /// Which bucket a request draws on: GETs read, everything else writes.
    public enum Kind: String, Sendable, CaseIterable {
        case read, write
    }

    public var read: RateLimit?
    public var write: RateLimit?

    public init(read: RateLimit? = nil, write: RateLimit? = nil) {
        self.read = read
        self.write = write
    }

    public subscript(kind: Kind) -> RateLimit? {
        switch kind {
        case .read: read
        case .write: write
        }
    }

    public var isEmpty: Bool { read == nil && write == nil }

    /// These limits, each one that is absent taken from `defaults`.
    public func withDefaults(_ defaults: RateLimits) -> RateLimits {
        RateLimits(read: read ?? defaults.read, write: write ?? defaults.write)
    }

    /// `{"read":{"burst":B,"perSecond":R},"write":{…}}`, absent limits left out.
    public var jsonValue: JSONValue {
        var fields: [String: JSONValue] = [:]
        for kind in Kind.allCases { fields[kind.rawValue] = self[kind]?.jsonValue }
        return .object(fields)
    }

    /// Reads the form `jsonValue` writes, strictly: an unknown key or a bad
    /// limit is `ledger_damaged`, named by `context`.
    init(json value: JSONValue, context: String) throws(LedgerError) {
        let fields = try FieldReader(value, context: context, failure: .ledgerDamaged)
        try fields.rejectUnknown(allowed: Set(Kind.allCases.map(\.rawValue)))
        func limit(_ kind: Kind) throws(LedgerError) -> RateLimit? {
            guard let value = fields.fields[kind.rawValue] else { return nil }
            return try RateLimit(json: value, context: "\(context).\(kind.rawValue)")
        }
        self.init(read: try limit(.read), write: try limit(.write))
    }
}
