import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore

// Regression: a change-feed long poll (`GET /v1/events?wait=N`) holds one of the
// server's `requestsInFlightMax` (64) slots for its whole wait (up to 60 s):
// HTTPServer.swift `answer` takes `inFlight` around the handler, and
// ReadHandlers.swift `events` blocks in `service.awaitHead`. 64 idle feed
// followers therefore make every other request, health and writes included,
// wait `inFlightWaitMs` (5 s) and then fail with 503 — and the writes that
// would wake the followers cannot get in.
struct LongPollTests {
    @Test("Long polls waiting for commits do not starve other requests of in-flight slots", .timeLimit(.minutes(1)))
    func longPollsDoNotStarveOthers() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        var followers: [SocketClient] = []
        for _ in 0..<HTTPLimits.requestsInFlightMax {
            let follower = try server.connect()
            try follower.send(HTTPWire.request("GET", "/v1/events?after=0&wait=8", token: server.readKey))
            followers.append(follower)
        }
        Thread.sleep(forTimeInterval: 0.5)
        let started = Date()
        let write = try server.call("POST", "/v1/object-types", Bodies.defineOrder, token: server.appendKey)
        let elapsed = Date().timeIntervalSince(started)
        #expect(write.status == 201, "a write while \(followers.count) followers wait: \(write)")
        #expect(elapsed < 2, "the write waited \(elapsed) s for an in-flight slot")
        let health = try server.call("GET", "/v1/health", token: nil)
        #expect(health.status == 200, "\(health)")
        // The write wakes every follower.
        let woken = try followers.filter { try $0.readResponse(timeoutMs: 10_000).json["events"].array.count == 1 }.count
        #expect(woken == followers.count, "only \(woken) of \(followers.count) followers saw the write")
    }
}
