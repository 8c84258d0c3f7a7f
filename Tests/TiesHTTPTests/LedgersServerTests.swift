import Foundation
import Testing
import TiesCore
@testable import TiesHTTP
import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

/// `ties serve --ledgers DIR` (TiesHTTP.docc/Ledgers.md): the set's own
/// endpoints, keys kept apart between ledgers, lazy open and close under
/// the bound, retire and restore, per-ledger rate limits, many writers on
/// many ledgers.
@Suite("many ledgers in one server")
struct LedgersServerTests {
    /// A directory of ledgers behind a `LedgersServer` (answered in-process
    /// through its API, or over its socket), with a server-wide admin key.
    final class Tenants: Sendable {
        let scratch: TemporaryDirectory
        let set: LedgerSet
        let server: LedgersServer
        let adminKey: String

        init(ledgers names: [String], maxOpen: Int = 8, idleCloseMs: Int = 600_000, retireWaitMs: Int = Limits.ledgerRetireWaitMs,
             configs: [String: String] = [:]) throws {
            scratch = try TemporaryDirectory("ties-ledgers-")
            set = try LedgerSet(directory: scratch.path)
            for name in names {
                let layout = try set.create(try #require(LedgerName(name)))
                if let config = configs[name] { try Data(config.utf8).write(to: URL(fileURLWithPath: layout.directory + "/config.json")) }
            }
            adminKey = try set.keys.create(name: "ops", role: .admin, now: Ledger.clock())
            server = try LedgersServer(directory: scratch.path, configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
                                       maxOpen: maxOpen, idleCloseMs: idleCloseMs, retireWaitMs: retireWaitMs, log: { _ in })
            server.start()
        }

        func close() {
            server.stop(graceMs: 30_000)
            scratch.cleanUp()
        }

        /// A key of the ledger `name` itself.
        func ledgerKey(_ name: String, role: KeyRole = .append, keyName: String = "app") throws -> String {
            try KeyStore(ledgerDirectory: scratch.path + "/" + name).create(name: keyName, role: role, now: Ledger.clock())
        }

        func call(_ method: String, _ target: String, _ body: String? = nil, token: String?) -> Reply {
            var fields = HTTPHeaders([("Host", "localhost")])
            if let token { fields.append(name: "Authorization", value: "Bearer \(token)") }
            if body != nil { fields.append(name: "Content-Type", value: "application/json") }
            return Reply(server.api.handle(HTTPRequest(method: method, target: target, headers: fields, body: Array((body ?? "").utf8))).response)
        }

        @discardableResult
        func expect(_ status: Int, _ method: String, _ target: String, _ body: String? = nil, token: String?,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONDoc {
            let reply = call(method, target, body, token: token)
            try #require(reply.status == status, "\(method) \(target) \(body ?? "") → \(reply)", sourceLocation: sourceLocation)
            return reply.json
        }

        /// Defines `order` and `placed/order` in ledger `name`; the type's ID.
        func defineShop(in name: String, token: String) throws -> String {
            try expect(201, "POST", "/v1/ledgers/\(name)/object-types", Bodies.defineOrder, token: token)
            return try #require(try expect(201, "POST", "/v1/ledgers/\(name)/relationship-types", Bodies.registerPlaced, token: token)["relationshipTypeId"].string)
        }

        func headSeq(_ name: String, token: String) throws -> Int64? {
            try expect(200, "GET", "/v1/ledgers/\(name)/health", token: token)["headSeq"].int
        }
    }

    @Test("Names are 1–64 characters of a-z 0-9 - _")
    func names() {
        for valid in ["a", "acme", "tenant-42", "eu_west_1", String(repeating: "x", count: 64)] { #expect(LedgerName(valid) != nil, "\(valid)") }
        for invalid in ["", "Acme", "a b", "a/b", "..", ".retired", "é", "a.b", String(repeating: "x", count: 65)] {
            #expect(LedgerName(invalid) == nil, "\(invalid)")
        }
    }

    @Test("A ledger's key works under its own prefix only; its data stays there; a server-wide admin key works in every ledger")
    func keysAndDataStayApart() throws {
        let tenants = try Tenants(ledgers: ["acme", "beta"])
        defer { tenants.close() }
        let acme = try tenants.ledgerKey("acme")
        let beta = try tenants.ledgerKey("beta", keyName: "beta-app")
        let placed = try tenants.defineShop(in: "acme", token: acme)
        try tenants.expect(201, "POST", "/v1/ledgers/acme/relationships", Bodies.placed(placed, "u1", "o1"), token: acme)

        // acme's key under beta's prefix: 401, exactly as an unknown key.
        for (method, target) in [("GET", "/v1/ledgers/beta/object-types"), ("POST", "/v1/ledgers/beta/object-types")] {
            let reply = tenants.call(method, target, Bodies.defineOrder, token: acme)
            #expect(reply.status == 401 && reply.json["code"].string == "unauthorized", "\(method) \(target) → \(reply)")
        }
        // Nor may it manage the set.
        #expect(tenants.call("GET", "/v1/ledgers", token: acme).status == 401)
        #expect(tenants.call("POST", "/v1/ledgers", #"{"name":"mine"}"#, token: acme).status == 401)
        #expect(tenants.call("POST", "/v1/ledgers/acme/keys", #"{"name":"k","role":"admin"}"#, token: acme).status == 401)

        // beta sees none of acme's data.
        #expect(try tenants.expect(200, "GET", "/v1/ledgers/beta/object-types", token: beta)["objectTypes"].array.isEmpty == true)
        #expect(try tenants.expect(200, "GET", "/v1/ledgers/beta/records/person/u1/relationships", token: beta)["relationships"].array.isEmpty)
        #expect(try tenants.headSeq("beta", token: beta) == 0)
        #expect(try tenants.headSeq("acme", token: acme) == 3)

        // The server-wide admin key acts as admin in both: it reads acme's
        // link and writes to beta, under its own name.
        let links = try tenants.expect(200, "GET", "/v1/ledgers/acme/records/person/u1/relationships", token: tenants.adminKey)
        #expect(links["relationships"].array.count == 1)
        try tenants.expect(201, "POST", "/v1/ledgers/beta/object-types", Bodies.defineOrder, token: tenants.adminKey)
        let history = try tenants.expect(200, "GET", "/v1/ledgers/beta/events?after=0", token: tenants.adminKey)
        #expect(history["events"][0]["actor"].string == "ops", "\(history)")
        // Both path forms name the same endpoint.
        #expect(try tenants.expect(200, "GET", "/v1/ledgers/beta/v1/object-types", token: beta)["objectTypes"].array.count == 1)
    }

    @Test("POST, GET and DELETE /v1/ledgers and POST /v1/ledgers/NAME/keys, with their errors")
    func theSetsOwnEndpoints() throws {
        let tenants = try Tenants(ledgers: ["acme"])
        defer { tenants.close() }
        let admin = tenants.adminKey
        #expect(try tenants.expect(201, "POST", "/v1/ledgers", #"{"name":"gamma"}"#, token: admin)["name"].string == "gamma")
        let again = try tenants.expect(409, "POST", "/v1/ledgers", #"{"name":"gamma"}"#, token: admin)
        #expect(again["code"].string == "ledger_exists")
        for body in [#"{"name":"Gamma"}"#, #"{"name":""}"#, #"{"name":"a/b"}"#, #"{}"#, #"{"name":"x","extra":1}"#] {
            #expect(try tenants.expect(400, "POST", "/v1/ledgers", body, token: admin)["code"].string == "invalid_field", "\(body)")
        }
        #expect(try tenants.expect(400, "POST", "/v1/ledgers", "{", token: admin)["code"].string == "invalid_json")
        #expect(tenants.call("PUT", "/v1/ledgers", "{}", token: admin).status == 405)

        let listed = try tenants.expect(200, "GET", "/v1/ledgers", token: admin)
        #expect(listed["ledgers"].array.compactMap { $0["name"].string } == ["acme", "gamma"])

        // A key made over HTTP works in its ledger, not in another.
        let made = try tenants.expect(201, "POST", "/v1/ledgers/gamma/keys", #"{"name":"g-reader","role":"read"}"#, token: admin)
        let reader = try #require(made["key"].string)
        #expect(made["role"].string == "read" && made["ledger"].string == "gamma")
        try tenants.expect(200, "GET", "/v1/ledgers/gamma/object-types", token: reader)
        try tenants.expect(403, "POST", "/v1/ledgers/gamma/object-types", Bodies.defineOrder, token: reader)
        try tenants.expect(401, "GET", "/v1/ledgers/acme/object-types", token: reader)
        #expect(try tenants.expect(400, "POST", "/v1/ledgers/gamma/keys", #"{"name":"x","role":"root"}"#, token: admin)["code"].string == "invalid_field")
        #expect(try tenants.expect(404, "POST", "/v1/ledgers/nope/keys", #"{"name":"x","role":"read"}"#, token: admin)["code"].string == "ledger_not_found")

        // Unknown ledgers, valid names or not, are 404 ledger_not_found, with no file path in the answer.
        for target in ["/v1/ledgers/nope/object-types", "/v1/ledgers/NOPE/object-types", "/v1/ledgers/..%2Fetc/object-types", "/v1/ledgers/nope/health"] {
            let reply = tenants.call("GET", target, token: admin)
            #expect(reply.status == 404 && reply.json["code"].string == "ledger_not_found", "\(target) → \(reply)")
            #expect(!reply.text.contains(tenants.scratch.path), "\(reply)")
        }
        #expect(try tenants.expect(404, "DELETE", "/v1/ledgers/nope", token: admin)["code"].string == "ledger_not_found")
        // The server's health needs no key; the console is one ledger's.
        let health = try tenants.expect(200, "GET", "/v1/health", token: nil)
        #expect(health["status"].string == "ok" && health["ledgers"].int == 2)
        #expect(try tenants.expect(404, "GET", "/", token: nil)["code"].string == "not_found")
    }

    @Test("Retiring moves the ledger aside, never deletes it; its requests are then 404; `ties ledgers restore` brings it back whole")
    func retireAndRestore() throws {
        let tenants = try Tenants(ledgers: ["acme", "beta"])
        defer { tenants.close() }
        let acme = try tenants.ledgerKey("acme")
        let placed = try tenants.defineShop(in: "acme", token: acme)
        for order in 1...5 { try tenants.expect(201, "POST", "/v1/ledgers/acme/relationships", Bodies.placed(placed, "u1", "o\(order)"), token: acme) }
        // A long poll waiting on acme is woken by the retirement, not waited out.
        let polls = Collected<Int>()
        Thread { polls.append(tenants.call("GET", "/v1/ledgers/acme/events?after=7&wait=30", token: acme).status) }.start()
        let acmeName = try #require(LedgerName("acme"))
        #expect(Wait.until { tenants.server.pool.waitingOn(acmeName) > 0 })
        let started = SystemClock.monotonicMilliseconds()
        let retired = try tenants.expect(200, "DELETE", "/v1/ledgers/acme", token: tenants.adminKey)
        #expect(SystemClock.monotonicMilliseconds() - started < 10_000)
        #expect(Wait.until { polls.all == [200] }, "\(polls.all)")
        let entry = try #require(retired["entry"].string)
        #expect(entry.hasPrefix("acme."))
        #expect(FileManager.default.fileExists(atPath: tenants.scratch.path + "/.retired/\(entry)/log.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: tenants.scratch.path + "/acme"))
        #expect(try tenants.expect(404, "GET", "/v1/ledgers/acme/object-types", token: acme)["code"].string == "ledger_not_found")
        let listed = try tenants.expect(200, "GET", "/v1/ledgers", token: tenants.adminKey)
        #expect(listed["retired"][0]["entry"].string == entry)

        // A new ledger may take the name; the old one comes back under another.
        try tenants.expect(201, "POST", "/v1/ledgers", #"{"name":"acme"}"#, token: tenants.adminKey)
        #expect(throws: LedgerError.self) { try tenants.set.restore("acme") }
        let restored = try tenants.set.restore("acme", as: LedgerName("acme-old"))
        #expect(restored.text == "acme-old")
        #expect(try tenants.headSeq("acme-old", token: acme) == 7)
        #expect(try tenants.headSeq("acme", token: tenants.adminKey) == 0)
    }

    @Test("Ledgers open at their first request, never more than the bound at once, and close when idle")
    func lazyOpenAndCloseUnderTheBound() throws {
        let names = (1...7).map { "t\($0)" }
        let tenants = try Tenants(ledgers: names, maxOpen: 3, idleCloseMs: 2_000)
        defer { tenants.close() }
        #expect(tenants.server.openLedgers.isEmpty)
        var types: [String: String] = [:]
        for name in names { types[name] = try tenants.defineShop(in: name, token: tenants.adminKey) }
        for round in 1...3 {
            for name in names {
                try tenants.expect(201, "POST", "/v1/ledgers/\(name)/relationships", Bodies.placed(try #require(types[name]), "u\(round)", "o\(round)"),
                                   token: tenants.adminKey)
                #expect(tenants.server.openLedgers.count <= 3)
                #expect(tenants.server.openLedgers.contains(try #require(LedgerName(name))))
            }
        }
        // Every commit made it through the opening and closing.
        for name in names { #expect(try tenants.headSeq(name, token: tenants.adminKey) == 5) }
        // Idle ledgers close on their own; their files then rest (no -wal left).
        #expect(Wait.until(timeoutMs: 10_000) { tenants.server.openLedgers.isEmpty })
        #expect(Wait.until(timeoutMs: 10_000) { !FileManager.default.fileExists(atPath: tenants.scratch.path + "/t7/projection.sqlite-wal") })
    }

    @Test("Many writers on many ledgers through the bound: every acknowledged commit is in its ledger's log exactly once")
    func concurrentWritersOnManyLedgers() throws {
        let names = (1...10).map { "w\($0)" }
        let tenants = try Tenants(ledgers: names, maxOpen: 4)
        defer { tenants.close() }
        var typeIDs: [String: String] = [:]
        for name in names { typeIDs[name] = try tenants.defineShop(in: name, token: tenants.adminKey) }
        let types = typeIDs
        let acknowledged = Collected<String>()
        let failures = Collected<String>()
        // The bound holds while writers open and close ledgers side by side.
        let occupied = Collected<Int>()
        let sampling = Collected<Bool>()
        Thread {
            while sampling.all.isEmpty {
                occupied.append(tenants.server.pool.occupied)
                Thread.sleep(forTimeInterval: 0.001)
            }
        }.start()
        defer { sampling.append(true) }
        #expect(runOnThreads(8) { writer in
            for index in 0..<40 {
                let name = names[(writer * 7 + index) % names.count]
                let order = "w\(writer)-\(index)"
                let reply = tenants.call("POST", "/v1/ledgers/\(name)/relationships", Bodies.placed(types[name] ?? "", "u\(writer)", order), token: tenants.adminKey)
                if reply.status == 201 { acknowledged.append("\(name) \(order)") } else { failures.append("\(name) \(order) → \(reply)") }
            }
        })
        #expect(failures.all.isEmpty, "\(failures.all.prefix(3))")
        #expect(acknowledged.all.count == 320)
        #expect(occupied.all.count > 10 && occupied.all.allSatisfy { $0 <= 4 }, "at most \(occupied.all.max() ?? 0) ledgers in the pool at once; the bound is 4")
        tenants.server.stop(graceMs: 30_000)
        var found: [String] = []
        for name in names {
            let log = try String(contentsOfFile: tenants.scratch.path + "/\(name)/log.jsonl", encoding: .utf8)
            for line in log.split(separator: "\n") {
                for event in JSONDoc(parsing: Array(line.utf8))["events"].array where event["type"].string == "relationship.linked" {
                    if let to = event["to"].string { found.append("\(name) \(to.dropFirst("order:".count))") }
                }
            }
        }
        #expect(found.sorted() == acknowledged.all.sorted(), "\(found.count) linked events for \(acknowledged.all.count) acknowledged commits")
    }

    @Test("Rate limits are each ledger's own: one tenant's empty bucket leaves another's alone")
    func rateLimitsPerLedger() throws {
        let limited = #"{"rateLimits":{"write":{"burst":2,"perSecond":0.001}}}"#
        let tenants = try Tenants(ledgers: ["busy", "calm"], configs: ["busy": limited])
        defer { tenants.close() }
        let busy = try tenants.ledgerKey("busy")
        let calm = try tenants.ledgerKey("calm")
        try tenants.expect(201, "POST", "/v1/ledgers/busy/object-types", Bodies.defineOrder, token: busy)
        try tenants.expect(201, "POST", "/v1/ledgers/busy/object-types", Bodies.defineLineItem, token: busy)
        let refused = tenants.call("POST", "/v1/ledgers/busy/object-types", #"{"name":"third"}"#, token: busy)
        #expect(refused.status == 429 && refused.json["code"].string == "rate_limited" && refused.headers["retry-after"] != nil, "\(refused)")
        for name in ["a", "b", "c"] { try tenants.expect(201, "POST", "/v1/ledgers/calm/object-types", #"{"name":"\#(name)"}"#, token: calm) }
        // The bucket outlives the ledger being closed and opened again.
        try tenants.server.pool.closed(try #require(LedgerName("busy"))) { () throws(LedgerError) in }
        #expect(tenants.call("POST", "/v1/ledgers/busy/object-types", #"{"name":"third"}"#, token: busy).status == 429)
    }

    @Test("Over a socket: both path forms, and each open ledger holds at most the stated file descriptors")
    func overASocketWithinTheDescriptorBound() throws {
        let names = (1...6).map { "s\($0)" }
        let tenants = try Tenants(ledgers: names, maxOpen: 6)
        defer { tenants.close() }
        let client = try HTTPTestClient(port: tenants.server.port)
        defer { client.close() }
        for name in names {
            let reply = try client.exchange(HTTPWire.request("POST", "/v1/ledgers/\(name)/object-types", body: Bodies.defineOrder, token: tenants.adminKey))
            #expect(reply.status == 201, "\(reply)")
            let read = try client.exchange(HTTPWire.request("GET", "/v1/ledgers/\(name)/v1/object-types", token: tenants.adminKey))
            #expect(read.json["objectTypes"].array.count == 1)
        }
        #expect(tenants.server.openLedgers.count == 6)
        // The process's descriptors on files in the ledgers, and on their
        // sockets (other tests run in this process too, so only these count).
        // /proc files have no size: read to the end, not by the size they report.
        let sockets = String(decoding: try Files.readWhole("/proc/net/unix", bytesMax: 64 << 20), as: UTF8.self)
        let socketInodes = sockets.split(separator: "\n")
            .filter { $0.hasSuffix("/serve.sock") && $0.contains(tenants.scratch.path) }
            .compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropLast().last.map { "socket:[\($0)]" } }
        let held = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)") else { return false }
            return target.hasPrefix(tenants.scratch.path + "/") || socketInodes.contains(target)
        }
        #expect(socketInodes.count == names.count)
        let perLedger = Double(held.count) / Double(names.count)
        #expect(perLedger >= 10 && perLedger <= Double(Limits.descriptorsPerOpenLedger), "\(perLedger) descriptors per open ledger")
    }

    @Test("Requests that cannot be served open nothing: an unknown or encoded name is 404 at once, no key is 401, no endpoint 404, and no other ledger is closed for them")
    func refusalsOpenNothing() throws {
        let tenants = try Tenants(ledgers: ["acme", "beta"], maxOpen: 1)
        defer { tenants.close() }
        try tenants.expect(201, "POST", "/v1/ledgers/acme/object-types", Bodies.defineOrder, token: tenants.adminKey)
        let acme = try #require(LedgerName("acme"))
        #expect(tenants.server.openLedgers == [acme])
        for (target, status) in [("/v1/ledgers/nope/object-types", 404), ("/v1/ledgers/%62eta/object-types", 404), ("/v1/ledgers//object-types", 404),
                                 ("/v1/ledgers/beta/object-types", 401), ("/v1/ledgers/beta/no-such-endpoint", 404)] {
            let token = status == 401 ? nil : tenants.adminKey
            #expect(tenants.call("GET", target, token: token).status == status, "\(target)")
            #expect(tenants.server.openLedgers == [acme], "\(target) closed acme or opened another")
        }
        // With the only slot busy, an unknown name is still 404 at once, not 503 after the wait for room.
        try tenants.server.pool.withLedger(acme) { _, _ in
            let started = SystemClock.monotonicMilliseconds()
            #expect(tenants.call("GET", "/v1/ledgers/nope/object-types", token: tenants.adminKey).status == 404)
            #expect(SystemClock.monotonicMilliseconds() - started < 1_000)
        }
    }

    @Test("A long poll does not keep its ledger from being closed for room: it is answered, and the other ledger opens")
    func longPollsDoNotPinTheirLedger() throws {
        let tenants = try Tenants(ledgers: ["acme", "beta"], maxOpen: 1)
        defer { tenants.close() }
        let polls = Collected<Int>()
        Thread { polls.append(tenants.call("GET", "/v1/ledgers/acme/events?after=0&wait=30", token: tenants.adminKey).status) }.start()
        let acme = try #require(LedgerName("acme"))
        #expect(Wait.until { tenants.server.pool.waitingOn(acme) > 0 })
        let started = SystemClock.monotonicMilliseconds()
        try tenants.expect(201, "POST", "/v1/ledgers/beta/object-types", Bodies.defineOrder, token: tenants.adminKey)
        #expect(SystemClock.monotonicMilliseconds() - started < 10_000)
        #expect(Wait.until { polls.all.count == 1 }, "the long poll was not answered")
        #expect(tenants.server.openLedgers == [try #require(LedgerName("beta"))])
    }

    @Test("A retirement that times out leaves the ledger served as before: its long polls wait again")
    func retireTimeoutServesOn() throws {
        let tenants = try Tenants(ledgers: ["acme"], retireWaitMs: 300)
        defer { tenants.close() }
        let acme = try #require(LedgerName("acme"))
        try tenants.expect(201, "POST", "/v1/ledgers/acme/object-types", Bodies.defineOrder, token: tenants.adminKey)
        let held = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        Thread {
            _ = try? tenants.server.pool.withLedger(acme) { _, _ in
                held.signal()
                release.wait()
            }
        }.start()
        held.wait()
        let refused = try tenants.expect(503, "DELETE", "/v1/ledgers/acme", token: tenants.adminKey)
        #expect(refused["code"].string == "ledger_busy")
        release.signal()
        #expect(FileManager.default.fileExists(atPath: tenants.scratch.path + "/acme/log.jsonl"))
        let started = SystemClock.monotonicMilliseconds()
        let poll = try tenants.expect(200, "GET", "/v1/ledgers/acme/events?after=1&wait=1", token: tenants.adminKey)
        #expect(SystemClock.monotonicMilliseconds() - started >= 900, "the long poll returned at once: \(poll)")
    }

    @Test("A directory left without a log by a create cut short is made a ledger by the next create")
    func createAfterACrashInTheMiddle() throws {
        let tenants = try Tenants(ledgers: [])
        defer { tenants.close() }
        try FileManager.default.createDirectory(atPath: tenants.scratch.path + "/half", withIntermediateDirectories: false)
        #expect(try tenants.expect(200, "GET", "/v1/ledgers", token: tenants.adminKey)["ledgers"].array.isEmpty)
        try tenants.expect(201, "POST", "/v1/ledgers", #"{"name":"half"}"#, token: tenants.adminKey)
        #expect(try tenants.headSeq("half", token: tenants.adminKey) == 0)
    }
}
