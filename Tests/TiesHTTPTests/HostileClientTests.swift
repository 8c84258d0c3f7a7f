import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

// Clients that try to take the server's connections or memory without a
// key, or to make it read credentials differently from a proxy in front.

@Suite("HTTP server facing hostile clients")
struct HostileClientTests {
    /// Well below the 30 s body timeout a refusal must not wait for, and
    /// generous for a loaded two-core machine.
    static let promptMs = 10_000

    // MARK: Idle connections

    @Test("Connections that send nothing and fill the cap do not lock a new client out: the longest idle one is closed to make room")
    func idleConnectionsMakeRoomForANewClient() throws {
        // Making room, not the first-byte timeout, is what closes them here.
        let server = try ServerHarness { $0.connectionsMax = 4; $0.firstByteTimeoutMs = 120_000 }
        defer { server.stop(removeDirectory: true) }
        let idle = try (0..<4).map { _ in try server.connect() }
        #expect(Wait.until { server.server.openConnections == (total: 4, idle: 4) }, "\(server.server.openConnections)")
        for round in 0..<3 {
            let client = try server.connect()
            let reply = try client.exchange(HTTPWire.request("GET", "/v1/health"), timeoutMs: Self.promptMs)
            #expect(reply.status == 200, "round \(round): \(reply)")
        }
        // The longest idle connection was the one closed first, silently.
        #expect(idle[0].closesWithoutMoreBytes(timeoutMs: Self.promptMs))
    }

    @Test("A new connection that sends nothing is closed after the first-byte timeout, long before the keep-alive timeout")
    func silentNewConnectionIsClosed() throws {
        let server = try ServerHarness { $0.firstByteTimeoutMs = 300 }
        defer { server.stop(removeDirectory: true) }
        let silent = try server.connect()
        let started = Deadline.nowNanoseconds()
        #expect(silent.closesWithoutMoreBytes(timeoutMs: Self.promptMs))
        let waitedMs = (Deadline.nowNanoseconds() - started) / 1_000_000
        #expect(waitedMs >= 250, "closed after \(waitedMs) ms, before the 300 ms first-byte timeout")

        // A connection that has been answered gets the keep-alive timeout instead.
        let client = try server.connect()
        #expect(try client.exchange(HTTPWire.request("GET", "/v1/health")).status == 200)
        #expect(client.receivesNothing(withinMs: 1_000))
        #expect(try client.exchange(HTTPWire.request("GET", "/v1/health")).status == 200)
    }

    @Test("Connections that trickle one byte of a head and fill the cap do not lock a new client out either")
    func tricklingHeadsMakeRoom() throws {
        let server = try ServerHarness { $0.connectionsMax = 4; $0.firstByteTimeoutMs = 120_000; $0.slowClientEvictionMs = 200 }
        defer { server.stop(removeDirectory: true) }
        let trickling = try (0..<4).map { _ in try server.connect() }
        for client in trickling { try client.send("G") }
        #expect(Wait.until { server.server.openConnections == (total: 4, idle: 0) }, "\(server.server.openConnections)")
        Wait.sleep(milliseconds: 300)
        let client = try server.connect()
        let reply = try client.exchange(HTTPWire.request("GET", "/v1/health"), timeoutMs: Self.promptMs)
        #expect(reply.status == 200, "\(reply)")
    }

    @Test("Connections that pipeline requests and never read the answers, filling the cap, do not lock a new client out: the slowest is closed to make room")
    func unreadAnswersMakeRoom() throws {
        let server = try ServerHarness { $0.connectionsMax = 4; $0.slowClientEvictionMs = 200 }
        defer { server.stop(removeDirectory: true) }
        // 64 answers of the whole OpenAPI document (130 KB each) are more
        // than the sockets between the two sides hold: the server's sends
        // block. Before the fix every slot stayed busy for the 30 s send
        // timeout, and the new client got 503.
        let pipelined = (0..<64).flatMap { _ in HTTPWire.request("GET", "/v1/openapi.json", token: server.readKey) }
        let readers = try (0..<4).map { _ in try server.connect() }
        for reader in readers { try reader.send(pipelined) }
        #expect(Wait.until { server.server.openConnections == (total: 4, idle: 0) }, "\(server.server.openConnections)")
        Wait.sleep(milliseconds: 400)
        let client = try server.connect()
        let reply = try client.exchange(HTTPWire.request("GET", "/v1/health"), timeoutMs: Self.promptMs)
        #expect(reply.status == 200, "\(reply)")
        #expect(server.server.openConnections.total <= 4)
    }

    @Test("A keep-alive client in the pause between two requests is not closed to make room for a flood of new connections")
    func answeredClientKeepsItsSlot() throws {
        let server = try ServerHarness { $0.connectionsMax = 2; $0.firstByteTimeoutMs = 120_000; $0.keepAlivePauseMs = 60_000 }
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        #expect(try client.exchange(HTTPWire.request("GET", "/v1/health")).status == 200)
        // Each new connection makes room for the next; before the fix the
        // first to go was the client, idle the longest.
        let flood = try (0..<8).map { _ in try server.connect() }
        #expect(Wait.until { server.server.openConnections.total == 2 }, "\(server.server.openConnections)")
        let reply = try client.exchange(HTTPWire.request("GET", "/v1/health"), timeoutMs: Self.promptMs)
        #expect(reply.status == 200, "\(reply)")
        withExtendedLifetime(flood) {}
    }

    @Test("A keep-alive connection idle longer than the head timeout still gets its next request answered, even a head in two parts")
    func headTimeoutRunsFromTheFirstByte() throws {
        let server = try ServerHarness { $0.headerReadTimeoutMs = 1_000 }
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        #expect(try client.exchange(HTTPWire.request("GET", "/v1/health")).status == 200)
        Wait.sleep(milliseconds: 1_500)
        let request = HTTPWire.request("GET", "/v1/health")
        try client.send(Array(request.prefix(10)))
        Wait.sleep(milliseconds: 200)
        try client.send(Array(request.dropFirst(10)))
        let reply = try client.readResponse(timeoutMs: Self.promptMs)
        #expect(reply.status == 200, "\(reply)")
    }

    @Test("A connection closed to make room never has a request it already sent handled: nothing is committed without its answer")
    func closedToMakeRoomIsNeverHandled() throws {
        let server = try ServerHarness { $0.connectionsMax = 2; $0.firstByteTimeoutMs = 120_000 }
        defer { server.stop(removeDirectory: true) }
        var answered = 0
        for round in 0..<40 {
            // The connections of the round before are gone from the server's count first.
            try #require(Wait.until { server.server.openConnections.total == 0 }, "round \(round): \(server.server.openConnections)")
            let first = try server.connect()
            #expect(try first.exchange(HTTPWire.request("GET", "/v1/health")).status == 200)
            let second = try server.connect()
            #expect(Wait.until { server.server.openConnections.total == 2 })
            // `first` is idle the longest; its next request and a third connection race.
            try? first.send(HTTPWire.request("POST", "/v1/object-types", body: #"{"name":"t\#(round)"}"#, token: server.appendKey))
            let third = try server.connect()
            _ = try? third.exchange(HTTPWire.request("GET", "/v1/health"), timeoutMs: Self.promptMs)
            let reply = try? first.readResponse(timeoutMs: Self.promptMs)
            if reply?.status == 201 { answered += 1 }
            second.close()
            third.close()
            first.close()
        }
        // Every type the server committed was answered to its client. (At a
        // cap of 2, the check itself waits until the rounds' connections are gone.)
        try #require(Wait.until { server.server.openConnections.total == 0 }, "\(server.server.openConnections)")
        let catalog = try server.call("GET", "/v1/object-types", token: server.readKey)
        try #require(catalog.status == 200, "\(catalog)")
        let committed = catalog.json["objectTypes"].array.count
        #expect(committed == answered, "\(committed) committed, \(answered) answered")
    }

    // MARK: Refusing before the body

    /// A request head (`extraHead` adds to Host, Authorization and
    /// Content-Type) and the refusal it must get before its body.
    struct EarlyRefusal: CustomTestStringConvertible, Sendable {
        let name, method, target: String
        let role: KeyRole?
        let extraHead: String
        let status: Int, code: String
        var testDescription: String { "\(name) → \(status)" }
    }

    static let earlyRefusals = [
        EarlyRefusal(name: "no key", method: "POST", target: "/v1/relationships", role: nil, extraHead: "Content-Length: 16777216\r\n", status: 401, code: "unauthorized"),
        EarlyRefusal(name: "no key, chunked", method: "POST", target: "/v1/batch", role: nil, extraHead: "Transfer-Encoding: chunked\r\n", status: 401, code: "unauthorized"),
        EarlyRefusal(name: "no key, Expect: 100-continue", method: "POST", target: "/v1/batch", role: nil,
                     extraHead: "Expect: 100-continue\r\nContent-Length: 16777216\r\n", status: 401, code: "unauthorized"),
        EarlyRefusal(name: "a read key writing", method: "POST", target: "/v1/object-types", role: .read, extraHead: "Content-Length: 16777216\r\n", status: 403, code: "forbidden"),
        EarlyRefusal(name: "no such endpoint", method: "POST", target: "/v1/nowhere", role: .append, extraHead: "Content-Length: 16777216\r\n", status: 404, code: "not_found"),
        EarlyRefusal(name: "a method the path does not have", method: "PUT", target: "/v1/object-types", role: .append, extraHead: "Content-Length: 16777216\r\n", status: 405, code: "method_not_allowed"),
    ]

    @Test("A request the API would refuse is answered from its head and closed, without waiting for its body", arguments: earlyRefusals)
    func refusedBeforeTheBody(_ refusal: EarlyRefusal) throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        let key = refusal.role.map { $0 == .read ? server.readKey : server.appendKey }
        let authorization = key.map { "Authorization: Bearer \($0)\r\n" } ?? ""
        try client.send("\(refusal.method) \(refusal.target) HTTP/1.1\r\nHost: x\r\n\(authorization)Content-Type: application/json\r\n\(refusal.extraHead)\r\n")
        // Before the fix the server sat waiting for the body (30 s), and
        // this read timed out.
        let reply = try client.readResponse(timeoutMs: Self.promptMs)
        #expect((reply.status, reply.code, reply.headers["connection"]) == (refusal.status, refusal.code, "close"), "\(reply)")
        #expect(client.closesWithoutMoreBytes(timeoutMs: Self.promptMs), "the connection stayed open for the body")
    }

    @Test("A keyed write whose body is still coming is read to the end and committed")
    func acceptedHeadStillReadsItsBody() throws {
        let body = Array(Bodies.defineOrder.utf8)
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        try client.send("POST /v1/object-types HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.appendKey)\r\nContent-Length: \(body.count)\r\n\r\n")
        #expect(client.receivesNothing(withinMs: 300))
        try client.send(body)
        #expect(try client.readResponse(timeoutMs: Self.promptMs).status == 201)
    }

    // MARK: Credentials

    @Test("A request with two Authorization fields is refused with 400 bad_request and closed, whichever of them is valid")
    func twoAuthorizationFieldsAreRefused() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let bogus = "tk_" + String(repeating: "0", count: 48)
        for tokens in [[server.appendKey, bogus], [bogus, server.appendKey], [server.appendKey, server.appendKey]] {
            let client = try server.connect()
            let headers = tokens.map { ("Authorization", "Bearer \($0)") }
            let reply = try client.exchange(HTTPWire.request("POST", "/v1/object-types", body: Bodies.defineOrder, headers: headers), timeoutMs: Self.promptMs)
            #expect(reply.status == 400, "\(tokens) → \(reply)")
            #expect(reply.code == "bad_request", "\(reply)")
            #expect(client.closesWithoutMoreBytes(timeoutMs: Self.promptMs))
        }
        #expect(server.server.service.head.seq == 0)
        #expect(try server.call("POST", "/v1/object-types", Bodies.defineOrder, token: server.appendKey).status == 201)
    }
}
