import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesTestExpectations
import TiesTestSupport

/// The listener over real sockets on the loopback: connection handling,
/// framing, and refusal of malformed requests without harm to the ledger.
@Suite("HTTP server over sockets")
struct ServerSocketTests {
    @Test("Several requests share one keep-alive connection")
    func keepAlive() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        for index in 0..<5 {
            try client.send(HTTPWire.request("POST", "/v1/object-types", body: #"{"name":"t\#(index)"}"#, token: server.appendKey))
            let reply = try client.readResponse()
            #expect(reply.status == 201, "\(reply)")
            #expect(reply.headers["connection"] == "keep-alive")
            #expect(reply.json["seq"].int == Int64(index + 1))
        }
        // A refusal by the API keeps the connection too.
        try client.send(HTTPWire.request("GET", "/v1/nope", token: server.readKey))
        #expect(try client.readResponse().status == 404)
        try client.send(HTTPWire.request("GET", "/v1/object-types", token: nil))
        #expect(try client.readResponse().status == 401)
        try client.send(HTTPWire.request("GET", "/v1/health"))
        let health = try client.readResponse()
        #expect(health.status == 200)
        #expect(health.json["headSeq"].int == 5)
    }

    @Test("Pipelined requests are all answered, in the order they were sent")
    func pipelining() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        var bytes: [UInt8] = []
        let names = (0..<20).map { "type_\($0)" }
        for name in names {
            bytes += HTTPWire.request("POST", "/v1/object-types", body: #"{"name":"\#(name)"}"#, token: server.appendKey)
        }
        bytes += HTTPWire.request("GET", "/v1/object-types", token: server.readKey)
        bytes += HTTPWire.request("GET", "/v1/health")
        try client.send(bytes)
        var seqs: [Int64] = []
        for name in names {
            let reply = try client.readResponse()
            #expect(reply.status == 201, "\(reply)")
            #expect(reply.json["name"].string == name)
            seqs.append(reply.json["seq"].int ?? -1)
        }
        #expect(seqs == Array(1...20))
        let listed = try client.readResponse()
        #expect(Set(listed.json["objectTypes"].array.compactMap { $0["name"].string }) == Set(names))
        #expect(try client.readResponse().json["headSeq"].int == 20)
        #expect(client.leftover.isEmpty)
    }

    @Test("Connection: close is answered with Connection: close and the connection is closed")
    func connectionClose() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        // A request pipelined after the closing one is never answered.
        try client.send(HTTPWire.request("GET", "/v1/health", headers: [("Connection", "close")])
                        + HTTPWire.request("POST", "/v1/object-types", body: Bodies.defineOrder, token: server.appendKey))
        let reply = try client.readResponse()
        #expect(reply.status == 200)
        #expect(reply.headers["connection"] == "close")
        #expect(client.closesWithoutMoreBytes())
        #expect(server.server.service.head.seq == 0)
    }

    @Test("HTTP/1.0 closes after each answer unless the client asks for keep-alive")
    func http10() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let plain = try server.connect()
        try plain.send("GET /v1/health HTTP/1.0\r\n\r\n")
        let reply = try plain.readResponse()
        #expect(reply.status == 200)
        #expect(reply.headers["connection"] == "close")
        #expect(reply.json["status"].string == "ok")
        #expect(plain.closesWithoutMoreBytes())

        let kept = try server.connect()
        try kept.send("GET /v1/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let first = try kept.readResponse()
        #expect(first.headers["connection"] == "keep-alive")
        try kept.send("POST /v1/object-types HTTP/1.0\r\nConnection: keep-alive\r\nAuthorization: Bearer \(server.appendKey)\r\n"
                      + "Content-Length: \(Bodies.defineOrder.utf8.count)\r\n\r\n\(Bodies.defineOrder)")
        let second = try kept.readResponse()
        #expect(second.status == 201, "\(second)")
    }

    @Test("A chunked request body is reassembled")
    func chunkedBody() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        let body = Array(#"[{"op":"defineObjectType","name":"order"},{"op":"defineObjectType","name":"line_item"}]"#.utf8)
        var wire = "POST /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.appendKey)\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        var offset = 0
        for size in [1, 7, 30, 5] {
            let end = min(body.count, offset + size)
            wire += String(end - offset, radix: 16) + ";ext=1\r\n" + String(decoding: body[offset..<end], as: UTF8.self) + "\r\n"
            offset = end
        }
        wire += String(body.count - offset, radix: 16) + "\r\n" + String(decoding: body[offset...], as: UTF8.self) + "\r\n"
        wire += "0\r\nX-Trailer: ignored\r\n\r\n"
        // Sent in small pieces so the chunks really arrive apart.
        let bytes = Array(wire.utf8)
        for start in stride(from: 0, to: bytes.count, by: 40) {
            try client.send(Array(bytes[start..<min(bytes.count, start + 40)]))
        }
        let reply = try client.readResponse()
        #expect(reply.status == 200, "\(reply)")
        #expect(reply.json["lastSeq"].int == 2)
        try client.send(HTTPWire.request("GET", "/v1/health"))
        #expect(try client.readResponse().json["headSeq"].int == 2)
    }

    @Test("Expect: 100-continue gets an interim 100 before the body is sent")
    func expectContinue() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        let body = Bodies.defineOrder
        try client.send("POST /v1/object-types HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.appendKey)\r\n"
                        + "Expect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
        let interim = try client.readResponse()
        #expect(interim.status == 100)
        try client.send(body)
        let reply = try client.readResponse()
        #expect(reply.status == 201, "\(reply)")
    }

    @Test("HEAD is answered with the headers of GET and no body")
    func headRequest() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        try client.send(HTTPWire.request("HEAD", "/v1/health"))
        let head = try client.readResponse(headOnly: true)
        #expect(head.status == 200)
        #expect(Int(head.headers["content-length"] ?? "0") ?? 0 > 0)
        // Had a body followed, it would now be read as the next response.
        try client.send(HTTPWire.request("GET", "/v1/health"))
        let next = try client.readResponse()
        #expect(next.status == 200)
        #expect(next.json["status"].string == "ok")
    }

    @Test("A Content-Length over the limit is refused with 413 before the body is sent")
    func oversizedBodyIsRefusedEarly() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        for expect in [false, true] {
            let client = try server.connect()
            try client.send("POST /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.appendKey)\r\n"
                            + (expect ? "Expect: 100-continue\r\n" : "")
                            + "Content-Type: application/json\r\nContent-Length: \(HTTPLimits.bodyBytesMax + 1)\r\n\r\n")
            let reply = try client.readResponse()
            #expect(reply.status == 413, "\(reply)")
            #expect(reply.code == "payload_too_large")
            #expect(reply.contentType == "application/problem+json")
            #expect(reply.headers["connection"] == "close")
            #expect(client.closesWithoutMoreBytes())
        }
        #expect(try server.call("GET", "/v1/health", token: nil).status == 200)
    }

    @Test("A client that sends an over-limit body anyway still reads the 413")
    func oversizedBodySentAnywayStillGets413() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        let head = "POST /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.appendKey)\r\n"
            + "Content-Length: \(HTTPLimits.bodyBytesMax + 1)\r\n\r\n"
        try client.send(Array(head.utf8) + [UInt8](repeating: UInt8(ascii: " "), count: 256 * 1024))
        let reply = try client.readResponse()
        #expect(reply.status == 413)
        #expect(server.server.service.head.seq == 0)
    }

    @Test("Past the connection limit, with every connection mid-request, a new connection gets 503 and is closed; a freed slot admits the next one")
    func connectionLimit() throws {
        // Heads that may stay unfinished for as long as a loaded machine needs,
        // and are never old enough to be closed to make room.
        let server = try ServerHarness { $0.connectionsMax = 2; $0.headerReadTimeoutMs = 120_000; $0.slowClientEvictionMs = 120_000 }
        defer { server.stop(removeDirectory: true) }
        let first = try server.connect()
        let second = try server.connect()
        for client in [first, second] {
            try client.send(HTTPWire.request("GET", "/v1/health"))
            #expect(try client.readResponse().status == 200)
            // The next request has begun: the connection is busy, not idle
            // (an idle one would be closed to make room instead).
            try client.send("GET /v1/health HTTP/1.1\r\n")
        }
        #expect(Wait.until { server.server.openConnections == (total: 2, idle: 0) }, "\(server.server.openConnections)")
        let refused = try server.connect()
        let answer = try refused.readResponse()
        #expect(answer.status == 503)
        #expect(answer.code == "service_unavailable")
        #expect(answer.headers["connection"] == "close")
        #expect(refused.closesWithoutMoreBytes())

        first.close()
        // The slot is freed once the server's connection thread notices the
        // close, which a loaded machine may take a while to schedule: until
        // then a new connection is refused with 503, so keep trying.
        var refusals: [Int] = []
        let admitted = Wait.until(pollMs: 20) {
            guard let next = try? server.connect() else { return false }
            try? next.send(HTTPWire.request("GET", "/v1/health"))
            let status = (try? next.readResponse())?.status
            if let status, status != 200 { refusals.append(status) }
            return status == 200
        }
        #expect(admitted, "no connection was admitted after one closed")
        #expect(refusals.allSatisfy { $0 == 503 }, "\(refusals)")
        // The open connection kept working throughout.
        try second.send("Host: x\r\n\r\n")
        #expect(try second.readResponse().status == 200)
    }

    @Test("A body at exactly the limit is read (and then judged by the API, not the parser)")
    func bodyAtTheLimitIsRead() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        let body = [UInt8](repeating: UInt8(ascii: " "), count: HTTPLimits.bodyBytesMax - 2) + Array("[]".utf8)
        try client.send(Array("POST /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.appendKey)\r\nContent-Length: \(body.count)\r\n\r\n".utf8))
        try client.send(body)
        let reply = try client.readResponse()
        #expect(reply.status == 400, "\(reply)")
        #expect(reply.code == "invalid_field")
    }

    @Test("Every malformed request of the parser corpus is refused over a socket with its status; the server still answers")
    func malformedCorpusOverSockets() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        #expect(HTTPMalformedCorpusTests.corpus.count >= 100)
        for malformed in HTTPMalformedCorpusTests.corpus {
            let client = try server.connect()
            defer { client.close() }
            try client.send(malformed.bytes)
            do {
                let reply = try client.readResponse()
                #expect(reply.status == malformed.status, "\(malformed.testDescription) → \(reply)")
                #expect(reply.headers["connection"] == "close", "\(malformed.testDescription)")
                #expect(reply.contentType == "application/problem+json", "\(malformed.testDescription)")
            } catch {
                Issue.record("\(malformed.testDescription): \(error)")
            }
        }
        let health = try server.call("GET", "/v1/health", token: nil)
        #expect(health.status == 200)
        #expect(health.json["headSeq"].int == 0)
    }

    @Test("A valid write pipelined right behind a malformed request is never executed")
    func writeBehindMalformedIsNotExecuted() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let logPath = server.directory + "/log.jsonl"
        let logBefore = try Data(contentsOf: URL(fileURLWithPath: logPath))
        for (index, malformed) in HTTPMalformedCorpusTests.corpus.enumerated() {
            let client = try server.connect()
            defer { client.close() }
            let smuggled = HTTPWire.request("POST", "/v1/object-types", body: #"{"name":"smuggled_\#(index)"}"#, token: server.appendKey)
            try client.send(malformed.bytes + smuggled)
            do {
                let reply = try client.readResponse()
                #expect((400..<600).contains(reply.status), "\(malformed.testDescription) → \(reply)")
                #expect(reply.status == malformed.status, "\(malformed.testDescription) → \(reply)")
                #expect(client.closesWithoutMoreBytes(), "\(malformed.testDescription): a second answer came")
            } catch {
                Issue.record("\(malformed.testDescription): \(error)")
            }
        }
        #expect(server.server.service.head.seq == 0)
        let types = try server.call("GET", "/v1/object-types", token: server.readKey)
        #expect(types.json["objectTypes"].array.isEmpty, "\(types)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: logPath)) == logBefore)
    }

    @Test("A request that stalls mid-head is answered 408 after the header timeout")
    func slowHeadTimesOut() throws {
        let server = try ServerHarness { $0.headerReadTimeoutMs = 300 }
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        try client.send("GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        // The 408 comes after 300 ms, far sooner than the default keep-alive
        // and header timeouts (seconds) it must not be confused with; the
        // bound only catches a server that ignores the configured timeout.
        let started = Deadline.nowNanoseconds()
        let reply = try client.readResponse()
        let waitedMs = (Deadline.nowNanoseconds() - started) / 1_000_000
        #expect(reply.status == 408)
        #expect(reply.code == "request_timeout")
        #expect(waitedMs >= 250, "answered 408 after \(waitedMs) ms, before the 300 ms header timeout")
        #expect(waitedMs < 8_000, "answered 408 after \(waitedMs) ms: the configured 300 ms, not the 10 s default, should apply")
    }

    @Test("The server listens on the IPv6 loopback ::1", .enabled(if: Loopback.ipv6Available, "::1 cannot be bound on this machine: the IPv6 case is skipped"))
    func ipv6Loopback() throws {
        let server = try ServerHarness(host: "::1")
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        try client.send(HTTPWire.request("POST", "/v1/object-types", body: Bodies.defineOrder, token: server.appendKey))
        #expect(try client.readResponse().status == 201)
        try client.send(HTTPWire.request("GET", "/v1/health"))
        #expect(try client.readResponse().json["headSeq"].int == 1)
    }

    @Test("Once stop returns the ledger is closed: SQLite has removed its -wal and -shm, and the writer lock is free")
    func stopClosesTheLedger() throws {
        let server = try ServerHarness()
        defer { server.scratch?.cleanUp() }
        // The writer and a reader have both used SQLite.
        #expect(try server.call("POST", "/v1/object-types", Bodies.defineOrder, token: server.appendKey).status == 201)
        #expect(try server.call("GET", "/v1/object-types", token: server.readKey).status == 200)
        server.stop()
        // The harness still holds the server: nothing here waits for it to go away.
        let files = try FileManager.default.contentsOfDirectory(atPath: server.directory)
        #expect(!files.contains { $0.hasSuffix("-wal") || $0.hasSuffix("-shm") }, "\(files)")
        let writer = try Ledger.open(at: server.directory, access: .write, lockTimeoutMs: 0)
        #expect(writer.isWriter && writer.headSeq == 1)
    }

    @Test("Stopping the server lets a request in flight finish and closes idle connections")
    func gracefulStop() throws {
        let server = try ServerHarness()
        let idle = try server.connect()
        try idle.send(HTTPWire.request("GET", "/v1/health"))
        #expect(try idle.readResponse().status == 200)
        let poller = try server.connect()
        // A long poll is in flight when the server stops: wait until it waits.
        try poller.send(HTTPWire.request("GET", "/v1/events?after=0&wait=60", token: server.readKey))
        #expect(Wait.until { server.server.service.headWaiters == 1 }, "the long poll never reached its handler")
        let started = Deadline.nowNanoseconds()
        server.stop(removeDirectory: false)
        defer { server.scratch?.cleanUp() }
        // Woken, the poll answers at once: the stop does not sit out its 60 s.
        let stoppedMs = (Deadline.nowNanoseconds() - started) / 1_000_000
        #expect(stoppedMs < 30_000, "the stop took \(stoppedMs) ms")
        #expect(idle.closesWithoutMoreBytes())
        let answered = try poller.readResponse()
        #expect(answered.status == 200)
        #expect(answered.headers["connection"] == "close")
        #expect(throws: (any Error).self) { _ = try server.call("GET", "/v1/health", token: nil) }
    }
}
