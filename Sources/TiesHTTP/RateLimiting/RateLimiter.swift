import Synchronization
import TiesStore

/// The token buckets of a running server (TiesHTTP.docc/Headers.md, "Rate
/// limits"): two per API key, reads and writes, in memory behind one lock.
/// A bucket belongs to the key itself (its hash), not its name: a new key
/// under an old name starts full. There is at most one bucket of each kind
/// per key in keys.json, so their number is bounded by that file.
final class RateLimiter: Sendable {
    struct BucketID: Hashable, Sendable {
        let keyHash: String
        let kind: RateLimits.Kind
    }

    /// config.json's limits, for keys without their own.
    private let defaults: RateLimits
    /// Monotonic milliseconds; tests pass a clock they move by hand.
    private let clockMs: @Sendable () -> Int64
    private let buckets = Mutex<[BucketID: TokenBucket]>([:])

    init(defaults: RateLimits, clockMs: @escaping @Sendable () -> Int64) {
        self.defaults = defaults
        self.clockMs = clockMs
    }

    /// The bucket a request of `key` of this kind draws on; nil when there
    /// is no key (`GET /v1/health`) or that kind is unlimited for it.
    func bucket(for key: APIKey?, kind: RateLimits.Kind) -> KeyBucket? {
        guard let key, let limit = key.rateLimits.withDefaults(defaults)[kind] else { return nil }
        return KeyBucket(limiter: self, id: BucketID(keyHash: key.sha256, kind: kind), limit: limit)
    }

    /// Refills the bucket to now, then takes `tokens` (when `take` and
    /// they are there) or only looks; returns whether they were there and
    /// the bucket as it is afterwards. A bucket first used, or whose limit
    /// changed (keys.json edited by hand), starts full.
    func draw(_ tokens: Int64, take: Bool, from id: BucketID, limit: RateLimit) -> (held: Bool, bucket: TokenBucket) {
        let nowMs = clockMs()
        return buckets.withLock { buckets in
            var bucket = buckets[id].flatMap { $0.limit == limit ? $0 : nil } ?? TokenBucket(limit: limit, nowMs: nowMs)
            bucket.refill(nowMs: nowMs)
            let held = take ? bucket.take(tokens) : bucket.holds(tokens)
            buckets[id] = bucket
            return (held, bucket)
        }
    }
}
