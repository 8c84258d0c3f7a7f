import TiesCore

/// One token bucket's setting (TiesHTTP.docc/Headers.md, "Rate limits"):
/// it holds at most `burst` tokens and refills at `perSecond` tokens a
/// second. Only values within `Limits` can be made, so every holder of a
/// `RateLimit` may rely on the bounds.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    public let perSecond: Double
    public let burst: Int64

    /// nil unless `perSecond` and `burst` are within `Limits`.
    public init?(perSecond: Double, burst: Int64) {
        guard (Limits.rateLimitPerSecondMin...Limits.rateLimitPerSecondMax).contains(perSecond),
              (1...Int64(Limits.rateLimitBurstMax)).contains(burst) else { return nil }
        self.perSecond = perSecond
        self.burst = burst
    }

    /// `PER_SECOND/BURST` as `ties keys create --read-rate` takes it: `5/10`,
    /// `0.5/3`. Plain decimals only (no sign, exponent or `inf`); nil when
    /// the text does not parse or is out of bounds.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isDecimal(parts[0], fraction: true), Self.isDecimal(parts[1], fraction: false),
              let perSecond = Double(parts[0]), let burst = Int64(parts[1]) else { return nil }
        self.init(perSecond: perSecond, burst: burst)
    }

    /// What a valid limit is, for the messages that refuse one.
    public static let bounds = "perSecond from \(format(Limits.rateLimitPerSecondMin)) to \(format(Limits.rateLimitPerSecondMax))"
        + " and burst a whole number from 1 to \(Limits.rateLimitBurstMax)"

    /// `PER_SECOND/BURST`, the form `ties keys create` takes.
    public var description: String { "\(perSecondText)/\(burst)" }

    /// `perSecond` as a person writes it: `2`, `0.5`.
    public var perSecondText: String { Self.format(perSecond) }

    /// `{"burst":B,"perSecond":R}`, R an integer when it is one.
    public var jsonValue: JSONValue {
        let rate: JSONValue = perSecond == perSecond.rounded() ? .int(Int64(perSecond)) : .double(perSecond)
        return .object(["burst": .int(burst), "perSecond": rate])
    }

    /// Reads `{"burst":B,"perSecond":R}` from config.json or keys.json: a
    /// field missing, unknown or out of bounds is `ledger_damaged`, named
    /// by `context`.
    init(json value: JSONValue, context: String) throws(LedgerError) {
        let fields = try FieldReader(value, context: context, failure: .ledgerDamaged)
        try fields.rejectUnknown(allowed: ["burst", "perSecond"])
        guard let perSecond = try fields.optionalNumber("perSecond"), let burst = try fields.optionalInt("burst"),
              let limit = RateLimit(perSecond: perSecond, burst: burst) else {
            throw LedgerError(.ledgerDamaged, "\(context) needs \(Self.bounds)")
        }
        self = limit
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int64(number)) : String(number)
    }

    private static func isDecimal(_ text: Substring, fraction: Bool) -> Bool {
        let points = text.utf8.count { $0 == UInt8(ascii: ".") }
        return !text.isEmpty && points <= (fraction ? 1 : 0)
            && text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }
    }
}
