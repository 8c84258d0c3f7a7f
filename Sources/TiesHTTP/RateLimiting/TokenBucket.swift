import TiesStore

/// One token bucket, in whole numbers: tokens are counted in billionths
/// (nanotokens), time in milliseconds, and the rate as nanotokens a
/// millisecond (the configured rate kept to a millionth of a token a
/// second). Refills are exact, so a client that waits the `Retry-After` it
/// was told finds its tokens there; the bounds in `Limits` keep every
/// product below `Int64.max`.
struct TokenBucket: Equatable, Sendable {
    static let nanotokensPerToken: Int64 = 1_000_000_000

    let limit: RateLimit
    private(set) var nanotokens: Int64
    private(set) var updatedAtMs: Int64
    private let refillNanotokensPerMs: Int64
    private var capacityNanotokens: Int64 { limit.burst * Self.nanotokensPerToken }

    /// A full bucket.
    init(limit: RateLimit, nowMs: Int64) {
        self.limit = limit
        refillNanotokensPerMs = Int64((limit.perSecond * 1_000_000).rounded())
        nanotokens = limit.burst * Self.nanotokensPerToken
        updatedAtMs = nowMs
    }

    /// Adds what has dripped in since the last refill, up to the burst. A
    /// clock reading older than the last one (read by another thread just
    /// before) adds nothing.
    mutating func refill(nowMs: Int64) {
        let elapsedMs = max(0, nowMs - updatedAtMs)
        updatedAtMs += elapsedMs
        // Compared before multiplying, so a long quiet spell cannot overflow.
        if elapsedMs >= Self.ceilingDivision(capacityNanotokens - nanotokens, refillNanotokensPerMs) {
            nanotokens = capacityNanotokens
        } else {
            nanotokens += elapsedMs * refillNanotokensPerMs
        }
    }

    /// Whether `tokens` are there now (never more than the burst).
    func holds(_ tokens: Int64) -> Bool {
        tokens <= limit.burst && tokens * Self.nanotokensPerToken <= nanotokens
    }

    /// Takes `tokens` if they are there; takes nothing otherwise.
    mutating func take(_ tokens: Int64) -> Bool {
        guard holds(tokens) else { return false }
        nanotokens -= tokens * Self.nanotokensPerToken
        return true
    }

    /// Whole tokens left, rounded down (`RateLimit-Remaining`).
    var remaining: Int64 { nanotokens / Self.nanotokensPerToken }

    /// Whole seconds until the bucket is full, rounded up (`RateLimit-Reset`).
    var resetSeconds: Int64 {
        Self.ceilingDivision(capacityNanotokens - nanotokens, refillNanotokensPerMs * 1000)
    }

    /// Whole seconds until `tokens` are there, rounded up and at least 1
    /// (`Retry-After`); nil when they are more than the burst, which a
    /// bucket never holds.
    func retryAfterSeconds(for tokens: Int64) -> Int64? {
        guard tokens <= limit.burst else { return nil }
        return max(1, Self.ceilingDivision(tokens * Self.nanotokensPerToken - nanotokens, refillNanotokensPerMs * 1000))
    }

    /// ⌈numerator / denominator⌉ for a positive denominator; 0 for a
    /// numerator of 0 or less.
    private static func ceilingDivision(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        numerator <= 0 ? 0 : (numerator - 1) / denominator + 1
    }
}
