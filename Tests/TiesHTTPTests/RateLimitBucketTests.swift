import Foundation
import Testing
import TiesCore
@testable import TiesHTTP
import TiesStore
import TiesTestExpectations

/// The arithmetic of one token bucket and the limiter's lock, on a clock
/// the tests set: refills, fractional rates, and the rounding of each
/// header, on both sides of every bound.
@Suite("rate limits: token buckets")
struct RateLimitBucketTests {
    static func limit(_ perSecond: Double, _ burst: Int64) throws -> RateLimit {
        try #require(RateLimit(perSecond: perSecond, burst: burst))
    }

    /// A bucket of `limit` made full at 0 ms, emptied by `taken` tokens, refilled to `nowMs`.
    static func bucket(_ limit: RateLimit, taken: Int64, nowMs: Int64) throws -> TokenBucket {
        var bucket = TokenBucket(limit: limit, nowMs: 0)
        let took = bucket.take(taken)
        try #require(took, "a full bucket of \(limit) refused \(taken) tokens")
        bucket.refill(nowMs: nowMs)
        return bucket
    }

    @Test("a new bucket is full: Remaining is the burst, Reset 0; it gives exactly the burst, then refuses")
    func newBucketIsFull() throws {
        var bucket = TokenBucket(limit: try Self.limit(1, 3), nowMs: 0)
        #expect((bucket.remaining, bucket.resetSeconds) == (3, 0))
        #expect(bucket.holds(3) && !bucket.holds(4))
        let takes = (0..<4).map { _ in bucket.take(1) }
        #expect(takes == [true, true, true, false])
        #expect((bucket.remaining, bucket.resetSeconds) == (0, 3))
    }

    @Test("a refused take takes nothing")
    func refusedTakeTakesNothing() throws {
        var bucket = try Self.bucket(try Self.limit(1, 5), taken: 3, nowMs: 0)
        let tookThree = bucket.take(3)
        #expect(!tookThree && bucket.remaining == 2)
        let tookTwo = bucket.take(2)
        #expect(tookTwo && bucket.remaining == 0)
    }

    @Test("a whole token comes back after exactly 1/perSecond seconds, not a millisecond before",
          arguments: [(2.0, 500), (1.0, 1_000), (0.5, 2_000), (0.25, 4_000), (0.001, 1_000_000), (1_000_000.0, 1)] as [(Double, Int64)])
    func refillIsExact(perSecond: Double, msPerToken: Int64) throws {
        let limit = try Self.limit(perSecond, 1)
        #expect(try Self.bucket(limit, taken: 1, nowMs: msPerToken - 1).remaining == 0)
        #expect(try Self.bucket(limit, taken: 1, nowMs: msPerToken).remaining == 1)
    }

    @Test("a fractional rate that is no power of two refills exactly too: 0.3 a second gives 3 tokens in 10 s, not in 9.999 s")
    func fractionalRate() throws {
        let limit = try Self.limit(0.3, 5)
        #expect(try Self.bucket(limit, taken: 5, nowMs: 9_999).remaining == 2)
        #expect(try Self.bucket(limit, taken: 5, nowMs: 10_000).remaining == 3)
    }

    @Test("refills stop at the burst, however long the bucket stood, even at the extremes of the limits")
    func refillStopsAtTheBurst() throws {
        for limit in [try Self.limit(1, 3), try Self.limit(Limits.rateLimitPerSecondMax, Int64(Limits.rateLimitBurstMax)),
                      try Self.limit(Limits.rateLimitPerSecondMin, Int64(Limits.rateLimitBurstMax))] {
            for nowMs in [Int64(3_000), 10_000_000, Int64.max / 2, Int64.max] {
                let bucket = try Self.bucket(limit, taken: 1, nowMs: nowMs)
                #expect(bucket.remaining <= limit.burst, "\(limit) at \(nowMs) ms")
            }
            #expect(try Self.bucket(limit, taken: limit.burst, nowMs: Int64.max).remaining == limit.burst)
        }
    }

    @Test("a clock read earlier than the last one adds nothing and takes nothing away")
    func clockGoingBackAddsNothing() throws {
        var bucket = try Self.bucket(try Self.limit(1, 3), taken: 3, nowMs: 1_000)
        bucket.refill(nowMs: 400)
        #expect(bucket.remaining == 1)
        bucket.refill(nowMs: 2_000)
        #expect(bucket.remaining == 2)
    }

    @Test("Remaining is whole tokens rounded down: 1.999 tokens is 1")
    func remainingRoundsDown() throws {
        #expect(try Self.bucket(try Self.limit(1, 3), taken: 3, nowMs: 1_999).remaining == 1)
        #expect(try Self.bucket(try Self.limit(1, 3), taken: 3, nowMs: 2_000).remaining == 2)
    }

    @Test("Reset is whole seconds until full, rounded up: a thousandth of a token missing is 1 s, none missing is 0")
    func resetRoundsUp() throws {
        let limit = try Self.limit(1, 3)
        #expect(try Self.bucket(limit, taken: 1, nowMs: 999).resetSeconds == 1)
        #expect(try Self.bucket(limit, taken: 1, nowMs: 1_000).resetSeconds == 0)
        #expect(try Self.bucket(limit, taken: 3, nowMs: 0).resetSeconds == 3)
        #expect(try Self.bucket(limit, taken: 3, nowMs: 1).resetSeconds == 3)
        #expect(try Self.bucket(limit, taken: 3, nowMs: 1_000).resetSeconds == 2)
        #expect(try Self.bucket(try Self.limit(0.5, 3), taken: 3, nowMs: 0).resetSeconds == 6)
        // The longest reset the limits allow still fits: 10^6 tokens at 0.001 a second.
        let slowest = try Self.limit(Limits.rateLimitPerSecondMin, Int64(Limits.rateLimitBurstMax))
        #expect(try Self.bucket(slowest, taken: slowest.burst, nowMs: 0).resetSeconds == 1_000_000_000)
    }

    @Test("Retry-After is whole seconds until enough tokens, rounded up and at least 1; nil for more than the burst")
    func retryAfter() throws {
        let one = try Self.limit(1, 3)
        #expect(try Self.bucket(one, taken: 3, nowMs: 0).retryAfterSeconds(for: 1) == 1)
        #expect(try Self.bucket(one, taken: 3, nowMs: 999).retryAfterSeconds(for: 1) == 1)
        #expect(try Self.bucket(one, taken: 3, nowMs: 0).retryAfterSeconds(for: 3) == 3)
        #expect(try Self.bucket(one, taken: 3, nowMs: 1).retryAfterSeconds(for: 3) == 3)
        #expect(try Self.bucket(try Self.limit(0.5, 3), taken: 3, nowMs: 0).retryAfterSeconds(for: 1) == 2)
        #expect(try Self.bucket(try Self.limit(0.25, 3), taken: 3, nowMs: 0).retryAfterSeconds(for: 2) == 8)
        #expect(try Self.bucket(try Self.limit(3, 3), taken: 3, nowMs: 0).retryAfterSeconds(for: 1) == 1)
        #expect(try Self.bucket(one, taken: 3, nowMs: 0).retryAfterSeconds(for: 4) == nil)
    }

    @Test("waiting the Retry-After a refusal gave is always enough", arguments: [0.3, 0.7, 1.0, 3.0, 7.5])
    func retryAfterIsEnough(perSecond: Double) throws {
        let limit = try Self.limit(perSecond, 4)
        for startMs: Int64 in [0, 1, 333, 999] {
            for tokens: Int64 in 1...4 {
                var bucket = try Self.bucket(limit, taken: 4, nowMs: startMs)
                guard !bucket.holds(tokens), let seconds = bucket.retryAfterSeconds(for: tokens) else { continue }
                bucket.refill(nowMs: startMs + seconds * 1000)
                #expect(bucket.holds(tokens), "\(limit), \(tokens) tokens from \(startMs) ms after \(seconds) s")
                var early = try Self.bucket(limit, taken: 4, nowMs: startMs)
                early.refill(nowMs: startMs + (seconds - 1) * 1000)
                #expect(seconds == 1 || !early.holds(tokens), "Retry-After \(seconds) s was longer than needed")
            }
        }
    }

    @Test("many threads draw on one bucket at once and get exactly its burst")
    func limiterIsThreadSafe() throws {
        let limiter = RateLimiter(defaults: RateLimits(), clockMs: { 0 })
        let limit = try Self.limit(Limits.rateLimitPerSecondMin, 50)
        let id = RateLimiter.BucketID(keyHash: "ab", kind: .write)
        let passed = Collected<Bool>()
        #expect(runOnThreads(100) { _ in passed.append(limiter.draw(1, take: true, from: id, limit: limit).held) })
        #expect(passed.all.filter { $0 }.count == 50)
        #expect(limiter.draw(0, take: false, from: id, limit: limit).bucket.remaining == 0)
    }

    // MARK: The limit itself

    @Test("perSecond and burst are accepted exactly within their bounds")
    func limitBounds() {
        let ok: [(Double, Int64)] = [(Limits.rateLimitPerSecondMin, 1), (Limits.rateLimitPerSecondMax, Int64(Limits.rateLimitBurstMax)), (0.5, 3)]
        let bad: [(Double, Int64)] = [(0.000_999, 1), (1_000_000.5, 1), (0, 1), (-1, 1), (.nan, 1), (.infinity, 1),
                                      (1, 0), (1, -1), (1, Int64(Limits.rateLimitBurstMax) + 1)]
        for (perSecond, burst) in ok { #expect(RateLimit(perSecond: perSecond, burst: burst) != nil, "\(perSecond)/\(burst)") }
        for (perSecond, burst) in bad { #expect(RateLimit(perSecond: perSecond, burst: burst) == nil, "\(perSecond)/\(burst)") }
    }

    @Test("R/B parses plain decimals only, and prints back as it was written")
    func limitText() {
        for text in ["5/10", "0.5/3", "0.001/1", "1000000/1000000", "2/5"] {
            #expect(RateLimit(parsing: text)?.description == text, "\(text)")
        }
        #expect(RateLimit(parsing: "2.50/5")?.description == "2.5/5")
        for text in ["", "5", "5/", "/5", "5/10/2", "-1/5", "+1/5", "1e3/5", "inf/5", "nan/5", "0x10/5", "1/2.5", "1/+2", " 1/2", "1/2 ",
                     "1..5/2", "./2", "0/5", "5/0", "0.0009/1", "1000000.1/1", "1/1000001", "1/99999999999999999999"] {
            #expect(RateLimit(parsing: text) == nil, "'\(text)'")
        }
    }
}
