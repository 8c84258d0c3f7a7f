import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesTestSupport

// Regression: a change-feed long poll (`GET /v1/events?wait=N`) holds one of the
// server's `requestsInFlightMax` (64) slots for its whole wait (up to 60 s):
// HTTPServer.swift `answer` takes `inFlight` around the handler, and
// ReadHandlers.swift `events` blocks in `service.awaitHead`. 64 idle feed
// followers therefore make every other request, health and writes included,
// wait `inFlightWaitMs` (5 s) and then fail with 503 — and the writes that
// would wake the followers cannot get in.
struct LongPollTests {
    @Test("Long polls waiting for commits do not starve other requests of in-flight slots", .timeLimit(.minutes(5)))
    func longPollsDoNotStarveOthers() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        var followers: [HTTPTestClient] = []
        for _ in 0..<HTTPLimits.requestsInFlightMax {
            let follower = try server.connect()
            try follower.send(HTTPWire.request("GET", "/v1/events?after=0&wait=60", token: server.readKey))
            followers.append(follower)
        }
        // Every follower waits in its handler before the write is sent.
        let service = server.server.service
        #expect(Wait.until { service.headWaiters == followers.count }, "only \(service.headWaiters) followers reached their handler")
        // Were the slots taken, the write would get 503 after `inFlightWaitMs`
        // (5 s): the status says it all, no clock needed.
        let write = try server.call("POST", "/v1/object-types", Bodies.defineOrder, token: server.appendKey)
        #expect(write.status == 201, "a write while \(followers.count) followers wait: \(write)")
        let health = try server.call("GET", "/v1/health", token: nil)
        #expect(health.status == 200, "\(health)")
        // The write wakes every follower.
        let woken = try followers.filter { try $0.readResponse().json["events"].array.count == 1 }.count
        #expect(woken == followers.count, "only \(woken) of \(followers.count) followers saw the write")
    }
}
