import Foundation
import Synchronization
import Testing
import TiesCore
@testable import TiesHTTP
import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

/// Rate limits through a listening server (TiesHTTP.docc/Headers.md, "Rate
/// limits"): config.json's defaults and each key's own, the headers, the
/// 429 and what it leaves untouched. The buckets run on a clock the tests
/// move by hand, so nothing sleeps.
@Suite("rate limits over HTTP")
struct RateLimitTests {
    /// Monotonic milliseconds that move only when a test says so.
    final class ManualClock: Sendable {
        private let nowMs = Mutex<Int64>(1_000)

        var read: @Sendable () -> Int64 { { [self] in nowMs.withLock { $0 } } }

        func advance(ms: Int64) { nowMs.withLock { $0 += ms } }
    }

    /// A new ledger whose config.json is `config` (nil: none), served on a manual clock.
    struct Limited {
        let scratch: TemporaryDirectory
        let server: ServerHarness
        let clock: ManualClock

        init(config: String?) throws {
            scratch = try TemporaryDirectory("ties-rate-")
            try Ledger.create(at: scratch.path)
            if let config { try Data(config.utf8).write(to: URL(fileURLWithPath: scratch.file("config.json"))) }
            let clock = ManualClock()
            self.clock = clock
            server = try ServerHarness(directory: scratch.path, clockMs: clock.read)
        }

        func stop() {
            server.stop()
            scratch.cleanUp()
        }

        var head: Int64 { server.server.service.head.seq }

        func get(_ target: String = "/v1/object-types", token: String? = nil) throws -> Reply {
            try server.call("GET", target, token: token ?? server.readKey)
        }

        func define(_ name: String, token: String? = nil) throws -> Reply {
            try server.call("POST", "/v1/object-types", #"{"name":"\#(name)"}"#, token: token ?? server.appendKey)
        }

        func batch(_ names: [String]) throws -> Reply {
            let operations = names.map { #"{"op":"defineObjectType","name":"\#($0)"}"# }
            return try server.call("POST", "/v1/batch", "[\(operations.joined(separator: ","))]", token: server.appendKey)
        }
    }

    static func config(read: String? = nil, write: String? = nil) -> String {
        let buckets = [("read", read), ("write", write)].compactMap { name, limit in limit.map { #""\#(name)":\#($0)"# } }
        return #"{"rateLimits":{\#(buckets.joined(separator: ","))}}"#
    }

    /// (RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset), nil when absent.
    static func state(_ reply: Reply) -> (limit: String?, remaining: String?, reset: String?) {
        (reply.headers["ratelimit-limit"], reply.headers["ratelimit-remaining"], reply.headers["ratelimit-reset"])
    }

    static func expectState(_ reply: Reply, _ limit: Int, _ remaining: Int, _ reset: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let state = state(reply)
        #expect(state.limit == String(limit) && state.remaining == String(remaining) && state.reset == String(reset),
                "expected \(limit)/\(remaining)/\(reset): \(reply)", sourceLocation: sourceLocation)
    }

    /// A 429 `rate_limited` problem with `Retry-After` (nil: must be absent).
    static func expectRateLimited(_ reply: Reply, retryAfter: Int?, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == 429 && reply.code == "rate_limited", "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.contentType == "application/problem+json", sourceLocation: sourceLocation)
        #expect(reply.headers["retry-after"] == retryAfter.map(String.init), "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.json["retryAfter"].int == retryAfter.map(Int64.init), "\(reply)", sourceLocation: sourceLocation)
    }

    @Test("off unless configured: without config.json limits or a key's own, no request is refused and none carries RateLimit headers")
    func offUnlessConfigured() throws {
        let limited = try Limited(config: #"{"snapshotsKept":3}"#)
        defer { limited.stop() }
        for index in 0..<12 {
            let write = try limited.define("t\(index)")
            let read = try limited.get()
            #expect(write.status == 201 && read.status == 200)
            for reply in [write, read] {
                #expect(!reply.headers.keys.contains { $0.hasPrefix("ratelimit") || $0 == "retry-after" }, "\(reply)")
            }
        }
    }

    @Test("reads: every response carries Limit, Remaining and Reset; the (burst+1)-th is 429 with Retry-After; a refill lets the next one through")
    func readBucketCountsDownAndRefills() throws {
        let limited = try Limited(config: Self.config(read: #"{"burst":3,"perSecond":1}"#))
        defer { limited.stop() }
        for index in 0..<3 {
            let reply = try limited.get()
            #expect(reply.status == 200, "\(reply)")
            Self.expectState(reply, 3, 2 - index, index + 1)
        }
        let refused = try limited.get()
        Self.expectRateLimited(refused, retryAfter: 1)
        #expect(refused.json["bucket"].string == "read" && refused.json["cost"].int == 1, "\(refused)")
        Self.expectState(refused, 3, 0, 3)

        limited.clock.advance(ms: 999)
        let stillRefused = try limited.get()
        Self.expectRateLimited(stillRefused, retryAfter: 1)
        limited.clock.advance(ms: 1)
        let refilled = try limited.get()
        #expect(refilled.status == 200, "\(refilled)")
        Self.expectState(refilled, 3, 0, 3)

        // The health check needs no key and is never limited; a request without a valid key has no bucket.
        let health = try limited.get("/v1/health", token: nil)
        #expect(health.status == 200 && Self.state(health) == (nil, nil, nil), "\(health)")
        let unauthorized = try limited.server.call("GET", "/v1/object-types", token: "tk_nope")
        #expect(unauthorized.status == 401 && Self.state(unauthorized) == (nil, nil, nil), "\(unauthorized)")
    }

    @Test("an error answered after authentication carries the headers and costs its token; a 403 shows the bucket without charging it")
    func errorsCarryTheHeaders() throws {
        let limited = try Limited(config: Self.config(read: #"{"burst":2,"perSecond":1}"#, write: #"{"burst":2,"perSecond":1}"#))
        defer { limited.stop() }
        let badQuery = try limited.get("/v1/events?limit=0")
        #expect(badQuery.status == 400, "\(badQuery)")
        Self.expectState(badQuery, 2, 1, 1)
        let forbidden = try limited.define("order", token: limited.server.readKey)
        #expect(forbidden.status == 403, "\(forbidden)")
        Self.expectState(forbidden, 2, 2, 0)
        let badBody = try limited.server.call("POST", "/v1/object-types", "{", token: limited.server.appendKey)
        #expect(badBody.status == 400 && badBody.code == "invalid_json", "\(badBody)")
        Self.expectState(badBody, 2, 1, 1)
    }

    @Test("writes: the (burst+1)-th write is 429 and appends nothing; reads stay unlimited when only writes are configured")
    func writeOverTheLimitAppendsNothing() throws {
        let limited = try Limited(config: Self.config(write: #"{"burst":2,"perSecond":0.001}"#))
        defer { limited.stop() }
        for (index, name) in ["order", "line_item"].enumerated() {
            let reply = try limited.define(name)
            #expect(reply.status == 201, "\(reply)")
            Self.expectState(reply, 2, 1 - index, 1000 * (index + 1))
        }
        #expect(limited.head == 2)
        let refused = try limited.define("account")
        Self.expectRateLimited(refused, retryAfter: 1000)
        #expect(refused.json["bucket"].string == "write", "\(refused)")
        #expect(limited.head == 2, "a refused write moved the head")
        let catalog = try limited.get()
        #expect(catalog.json["objectTypes"].array.count == 2, "\(catalog)")
        #expect(Self.state(catalog) == (nil, nil, nil), "reads are not limited: \(catalog)")
    }

    @Test("reads and writes draw on separate buckets")
    func separateBuckets() throws {
        let limited = try Limited(config: Self.config(read: #"{"burst":3,"perSecond":1}"#, write: #"{"burst":2,"perSecond":1}"#))
        defer { limited.stop() }
        for _ in 0..<3 { #expect(try limited.get().status == 200) }
        Self.expectRateLimited(try limited.get(), retryAfter: 1)
        let write = try limited.define("order")
        #expect(write.status == 201, "\(write)")
        Self.expectState(write, 2, 1, 1)
        #expect(try limited.define("line_item").status == 201)
        Self.expectRateLimited(try limited.define("account"), retryAfter: 1)
        limited.clock.advance(ms: 1_000)
        let read = try limited.get()
        #expect(read.status == 200, "\(read)")
        Self.expectState(read, 3, 0, 3)
    }

    @Test("a batch of N operations costs N write tokens: exactly the burst passes, more never does, and a refused batch takes nothing")
    func batchCostsOnePerOperation() throws {
        let limited = try Limited(config: Self.config(write: #"{"burst":5,"perSecond":1}"#))
        defer { limited.stop() }
        let three = try limited.batch(["a", "b", "c"])
        #expect(three.status == 200, "\(three)")
        Self.expectState(three, 5, 2, 3)
        #expect(limited.head == 3)

        let tooMany = try limited.batch(["d", "e", "f"])
        Self.expectRateLimited(tooMany, retryAfter: 1)
        #expect(tooMany.json["cost"].int == 3, "\(tooMany)")
        Self.expectState(tooMany, 5, 2, 3)
        #expect(limited.head == 3)
        let two = try limited.batch(["d", "e"])
        #expect(two.status == 200, "\(two)")
        Self.expectState(two, 5, 0, 5)

        // With no token left a batch is refused before its body is parsed.
        Self.expectRateLimited(try limited.server.call("POST", "/v1/batch", "not json", token: limited.server.appendKey), retryAfter: 1)

        limited.clock.advance(ms: 5_000)
        let burst = try limited.batch(["f", "g", "h", "i", "j"])
        #expect(burst.status == 200, "\(burst)")
        limited.clock.advance(ms: 5_000)
        let overBurst = try limited.batch(["k", "l", "m", "n", "o", "p"])
        Self.expectRateLimited(overBurst, retryAfter: nil)
        #expect(overBurst.json["detail"].string?.contains("never") == true, "\(overBurst)")
        Self.expectState(overBurst, 5, 5, 0)
        #expect(limited.head == 10)
    }

    @Test("a key's own limit beats config.json's, kind by kind; a key created while the server runs is limited at once")
    func keyLimitOverridesConfig() throws {
        let limited = try Limited(config: Self.config(read: #"{"burst":1,"perSecond":1}"#, write: #"{"burst":1,"perSecond":1}"#))
        defer { limited.stop() }
        let own = RateLimits(write: RateLimit(perSecond: 1, burst: 3))
        let bulk = try limited.server.server.keys.create(name: "bulk", role: .append, rateLimits: own, now: Ledger.clock())
        for index in 0..<3 {
            let reply = try limited.define("t\(index)", token: bulk)
            #expect(reply.status == 201, "\(reply)")
            Self.expectState(reply, 3, 2 - index, index + 1)
        }
        Self.expectRateLimited(try limited.define("t3", token: bulk), retryAfter: 1)
        // Its reads keep config.json's limit; another key keeps config.json's write limit.
        Self.expectState(try limited.get(token: bulk), 1, 0, 1)
        let other = try limited.define("u0")
        #expect(other.status == 201, "\(other)")
        Self.expectState(other, 1, 0, 1)
        Self.expectRateLimited(try limited.define("u1"), retryAfter: 1)
    }

    @Test("a key's own limit applies without any in config.json, and only to its kind")
    func keyLimitWithoutConfig() throws {
        let limited = try Limited(config: nil)
        defer { limited.stop() }
        let own = RateLimits(read: RateLimit(perSecond: 0.5, burst: 2))
        let token = try limited.server.server.keys.create(name: "slow-reader", role: .append, rateLimits: own, now: Ledger.clock())
        Self.expectState(try limited.get(token: token), 2, 1, 2)
        Self.expectState(try limited.get(token: token), 2, 0, 4)
        Self.expectRateLimited(try limited.get(token: token), retryAfter: 2)
        let write = try limited.define("order", token: token)
        #expect(write.status == 201 && Self.state(write) == (nil, nil, nil), "\(write)")
    }

    @Test("with no token left, a write is refused from its head: 429 instead of 100 Continue, the body never read")
    func refusedFromTheHead() throws {
        let limited = try Limited(config: Self.config(write: #"{"burst":1,"perSecond":0.5}"#))
        defer { limited.stop() }
        #expect(try limited.define("order").status == 201)
        let client = try limited.server.connect()
        defer { client.close() }
        try client.send("POST /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(limited.server.appendKey)\r\n"
                        + "Expect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
        let reply = try client.readResponse(timeoutMs: 5_000)
        Self.expectRateLimited(reply, retryAfter: 2)
        Self.expectState(reply, 1, 0, 2)
        #expect(reply.headers["connection"] == "close")
        #expect(client.closesWithoutMoreBytes(timeoutMs: 5_000))
        #expect(limited.head == 1)
    }

    @Test("a keys.json written before rate limits still loads: its keys get config.json's limits")
    func keysFileWithoutRateLimits() throws {
        let scratch = try TemporaryDirectory("ties-rate-old-keys-")
        defer { scratch.cleanUp() }
        try Ledger.create(at: scratch.path)
        let token = "tk_" + String(repeating: "ab", count: 24)
        let oldFile = #"{"keys":[{"createdAt":"2026-01-01T00:00:00Z","name":"legacy","revokedAt":null,"role":"append","sha256":"\#(SHA256.hexDigest(Array(token.utf8)))"}],"version":1}"#
        try Data(oldFile.utf8).write(to: URL(fileURLWithPath: scratch.file("keys.json")))
        try Data(Self.config(write: #"{"burst":4,"perSecond":2}"#).utf8).write(to: URL(fileURLWithPath: scratch.file("config.json")))
        let server = try ServerHarness(directory: scratch.path)
        defer { server.stop() }
        let legacy = try #require(try server.server.keys.keys().first { $0.name == "legacy" })
        #expect(legacy.rateLimits.isEmpty)
        let reply = try server.call("POST", "/v1/object-types", #"{"name":"order"}"#, token: token)
        #expect(reply.status == 201, "\(reply)")
        #expect(reply.headers["ratelimit-limit"] == "4" && reply.headers["ratelimit-remaining"] == "3", "\(reply)")
    }

    static let validConfigs = [
        #"{"read":{"burst":1,"perSecond":0.001}}"#, #"{"write":{"burst":1000000,"perSecond":1000000}}"#,
        #"{"read":{"perSecond":2.5,"burst":10},"write":{"burst":3,"perSecond":1}}"#, "{}",
    ]
    static let invalidConfigs = [
        #"{"reads":{"burst":1,"perSecond":1}}"#, #"{"read":{"burst":1,"perSecond":1,"window":1}}"#, #"{"read":null}"#, #"[]"#,
        #"{"read":{"burst":1}}"#, #"{"read":{"perSecond":1}}"#, #"{"read":{"burst":0,"perSecond":1}}"#,
        #"{"read":{"burst":1000001,"perSecond":1}}"#, #"{"read":{"burst":1.5,"perSecond":1}}"#, #"{"read":{"burst":"5","perSecond":1}}"#,
        #"{"read":{"burst":1,"perSecond":0}}"#, #"{"read":{"burst":1,"perSecond":0.0009}}"#, #"{"read":{"burst":1,"perSecond":-1}}"#,
        #"{"write":{"burst":1,"perSecond":1000000.5}}"#, #"{"write":{"burst":1,"perSecond":1e7}}"#,
    ]

    @Test("config.json's rateLimits are checked strictly: a bad one stops the server from starting with ledger_damaged",
          arguments: validConfigs.map { ($0, true) } + invalidConfigs.map { ($0, false) })
    func configIsStrict(rateLimits: String, valid: Bool) throws {
        let scratch = try TemporaryDirectory("ties-rate-config-")
        defer { scratch.cleanUp() }
        try Ledger.create(at: scratch.path)
        try Data(#"{"rateLimits":\#(rateLimits)}"#.utf8).write(to: URL(fileURLWithPath: scratch.file("config.json")))
        do throws(LedgerError) {
            let server = try TiesServer(ledgerDirectory: scratch.path, configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), log: { _ in })
            server.stop(graceMs: 1_000)
            #expect(valid, "\(rateLimits) was accepted")
        } catch {
            #expect(!valid && error.code == .ledgerDamaged, "\(rateLimits): \(error)")
            #expect(error.message.contains("rateLimits"), "\(error)")
        }
    }
}
