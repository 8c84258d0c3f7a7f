import Foundation
import Testing
import TiesCore
import TiesStore
#if canImport(Glibc)
import Glibc
#endif

extension ChildProcessTests {
    /// `ties serve` as a child process under write load: SIGKILL loses no
    /// acknowledged commit (a 2xx is only sent after fsync), and SIGTERM
    /// finishes in-flight requests and exits 0.
    @Suite("ties serve under kill -9 and SIGTERM")
    struct ServeKillTests {
        /// One link a client asked for and the server acknowledged.
        struct Acknowledged: Sendable {
            let seq: Int64
            let person: String
            let order: String
        }

        /// A started `ties serve --port 0` and the port it chose.
        struct Served {
            let child: TiesChild
            let port: UInt16
        }

        /// Starts `ties serve --port 0` and reads the chosen port from its
        /// "serving … on http://127.0.0.1:PORT" line.
        static func serve(_ ledger: TestLedger, sourceLocation: SourceLocation = #_sourceLocation) throws -> Served {
            let child = try TiesChild(["serve", "--ledger", ledger.directory, "--port", "0"])
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let text = child.stderr.text
                if let range = text.range(of: #"on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression),
                   let port = UInt16(text[range].split(separator: ":").last ?? "") {
                    return Served(child: child, port: port)
                }
                if !child.process.isRunning { break }
                Thread.sleep(forTimeInterval: 0.01)
            }
            child.kill(SIGKILL)
            _ = child.wait(seconds: 10)
            throw MiniHTTP.Failure(description: "ties serve did not report its port: \(child.summary)")
        }

        /// `order`, `placed/order` (ONE_TO_MANY) and an append key.
        static func prepare(_ ledger: TestLedger) throws -> (typeId: String, key: String) {
            let (placed, _) = try ledger.defineShop()
            let key = try KeyStore(ledgerDirectory: ledger.directory).create(name: "loader", role: .append, now: Ledger.clock())
            return (placed, key)
        }

        /// Clients that link `p{thread}` → `o{thread}-{n}` until told to stop,
        /// keeping every acknowledged link.
        final class Load: @unchecked Sendable {
            // @unchecked: `acknowledged`, `failures` and `stopping` are only touched while holding `lock`.
            private let lock = NSLock()
            private var acknowledged: [Acknowledged] = []
            private var failures = 0
            private var refusals: [String] = []
            private var stopping = false
            private let done = DispatchGroup()

            init(threads: Int, port: UInt16, typeId: String, key: String, prefix: String) {
                for thread in 0..<threads {
                    done.enter()
                    Thread.detachNewThread { [self] in
                        run(thread: thread, port: port, typeId: typeId, key: key, prefix: prefix)
                        done.leave()
                    }
                }
            }

            private var isStopping: Bool { lock.withLock { stopping } }

            private func run(thread: Int, port: UInt16, typeId: String, key: String, prefix: String) {
                var index = 0
                while !isStopping {
                    index += 1
                    let person = "\(prefix)p\(thread)"
                    let order = "\(prefix)o\(thread)-\(index)"
                    let body = JSONValue.object([
                        "relationshipTypeId": .string(typeId), "personExternalId": .string(person), "customObjectExternalId": .string(order),
                    ]).encodedString
                    do {
                        let reply = try MiniHTTP.call(port: port, "POST", "/v1/relationships", body: body, key: key)
                        if (200..<300).contains(reply.status), let seq = reply.json?.objectValue?["seq"]?.int64Value {
                            lock.withLock { acknowledged.append(Acknowledged(seq: seq, person: person, order: order)) }
                        } else {
                            lock.withLock { refusals.append("\(reply.status) \(String(decoding: reply.body, as: UTF8.self))") }
                        }
                    } catch {
                        lock.withLock { failures += 1 }
                        // The server is gone or going: do not spin.
                        Thread.sleep(forTimeInterval: 0.005)
                    }
                }
            }

            /// Stops the clients and waits for them (at most `seconds`).
            func stop(seconds: Double = 30) -> Bool {
                lock.withLock { stopping = true }
                return done.wait(timeout: .now() + seconds) == .success
            }

            var results: (acknowledged: [Acknowledged], failures: Int, refusals: [String]) {
                lock.withLock { (acknowledged, failures, refusals) }
            }
        }

        /// Every acknowledged link is in the ledger as a `relationship.linked`
        /// at its acknowledged seq, and the log reads back whole.
        static func checkDurable(_ acknowledged: [Acknowledged], in ledger: TestLedger, context: String) throws {
            let opened = try ledger.open(.read)
            let maxSeq = acknowledged.map(\.seq).max() ?? 0
            #expect(opened.headSeq >= maxSeq, "\(context): head \(opened.headSeq) < acknowledged seq \(maxSeq)")
            let log = try KillDuringImportTests.readWholeLog(opened)
            #expect(log.lastSeq == opened.headSeq, "\(context)")
            let logBytes = try FileManager.default.attributesOfItem(atPath: ledger.logPath)[.size] as? Int
            #expect(logBytes.map(Int64.init) == log.endOffset, "\(context): bytes after the last whole commit")
            #expect(Set(acknowledged.map(\.seq)).count == acknowledged.count, "\(context): a seq was acknowledged twice")

            var missing: [String] = []
            let byPerson = Dictionary(grouping: acknowledged, by: \.person)
            for (person, links) in byPerson {
                let view = try opened.relationships(of: RecordRef(type: "person", id: person))
                let present = Set(view.links.filter { $0.direction == .forward }.map(\.to.id))
                for link in links where !present.contains(link.order) { missing.append("seq \(link.seq): \(person) → \(link.order)") }
            }
            #expect(missing.isEmpty, "\(context): \(missing.count) acknowledged links are missing: \(missing.prefix(5))")
            // Spot-check that the acknowledged seq holds that very link.
            for link in acknowledged.sorted(by: { $0.seq < $1.seq }).enumerated().filter({ $0.offset % 25 == 0 }).map(\.element) {
                let entry = try opened.events(after: link.seq - 1, limit: 1).first
                guard case .linked(let key, _)? = entry?.event else {
                    Issue.record("\(context): seq \(link.seq) is not a link: \(String(describing: entry))")
                    continue
                }
                #expect(key.from.id == link.person && key.to.id == link.order, "\(context): seq \(link.seq) holds \(key.from) → \(key.to)")
            }
        }

        @Test("Every acknowledged link survives SIGKILL of ties serve under load", .timeLimit(.minutes(2)))
        func acknowledgedWritesSurviveSIGKILL() throws {
            let environment = ProcessInfo.processInfo.environment
            let seed = environment["TIES_SERVE_KILL_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
            print("serve kill -9 test: seed \(seed) (repeat with TIES_SERVE_KILL_SEED=\(seed))")
            var random = SeededGenerator(seed: seed)
            let ledger = try TestLedger.make()
            defer { ledger.remove() }
            let (typeId, key) = try Self.prepare(ledger)

            let served = try Self.serve(ledger)
            let load = Load(threads: 8, port: served.port, typeId: typeId, key: key, prefix: "k\(seed % 1000)-")
            let runMs = Int.random(in: 1_500...2_500, using: &random)
            Thread.sleep(forTimeInterval: Double(runMs) / 1000)
            served.child.kill(SIGKILL)
            #expect(load.stop(), "the client threads did not stop")
            #expect(served.child.wait(seconds: 20), "the killed server did not go away")
            #expect(!served.child.exitedNormally && served.child.status == SIGKILL, "\(served.child.summary)")

            let (acknowledged, failures, refusals) = load.results
            let context = "seed \(seed), killed after \(runMs) ms"
            print("serve kill -9 test: \(acknowledged.count) links acknowledged, \(failures) requests cut off, \(context)")
            #expect(acknowledged.count > 50, "\(context): too few writes were acknowledged for the test to mean anything")
            #expect(refusals.isEmpty, "\(context): \(refusals.prefix(3))")

            // Restart on the same ledger: it recovers and serves every acknowledged link.
            let restarted = try Self.serve(ledger)
            let health = try MiniHTTP.call(port: restarted.port, "GET", "/v1/health", key: nil)
            let head = health.json?.objectValue?["headSeq"]?.int64Value ?? -1
            #expect(health.status == 200)
            #expect(head >= acknowledged.map(\.seq).max() ?? 0, "\(context): restarted head \(head)")
            for (person, links) in Dictionary(grouping: acknowledged, by: \.person) {
                let view = try MiniHTTP.call(port: restarted.port, "GET", "/v1/records/person/\(person)/relationships", key: key)
                let listed = Set((view.json?.objectValue?["relationships"]?.arrayValue ?? []).compactMap {
                    $0.objectValue?["to"]?.stringValue
                })
                let missing = links.filter { !listed.contains("order:" + $0.order) }
                #expect(missing.isEmpty, "\(context): \(person) lacks \(missing.count) acknowledged links after restart")
            }
            restarted.child.kill(SIGTERM)
            #expect(restarted.child.wait(seconds: 20))
            #expect(restarted.child.exitedNormally && restarted.child.status == 0, "\(restarted.child.summary)")

            try Self.checkDurable(acknowledged, in: ledger, context: context)
            let verify = ledger.ties("verify")
            #expect(verify.status == 0, "\(verify)")
        }

        @Test("SIGTERM while requests are in flight: exit 0 and every 2xx'd commit present", .timeLimit(.minutes(2)))
        func gracefulStopKeepsAcknowledgedWrites() throws {
            let ledger = try TestLedger.make()
            defer { ledger.remove() }
            let (typeId, key) = try Self.prepare(ledger)
            let served = try Self.serve(ledger)
            let load = Load(threads: 8, port: served.port, typeId: typeId, key: key, prefix: "")
            Thread.sleep(forTimeInterval: 1.0)

            // A long poll is in flight when the signal comes: it must still be answered.
            let poller = try MiniHTTP.Connection(port: served.port)
            try poller.send(MiniHTTP.request("GET", "/v1/events?after=999999999&wait=2", body: nil, key: key, close: true))
            Thread.sleep(forTimeInterval: 0.1)
            served.child.kill(SIGTERM)
            let polled = try poller.readUntilClosed(timeoutMs: 15_000)

            #expect(served.child.wait(seconds: 30), "ties serve did not stop after SIGTERM")
            #expect(load.stop())
            #expect(served.child.exitedNormally, "\(served.child.summary)")
            #expect(served.child.status == 0, "\(served.child.summary)")
            #expect(polled.status == 200, "the long poll in flight was not answered: \(polled)")

            let (acknowledged, _, refusals) = load.results
            print("serve SIGTERM test: \(acknowledged.count) links acknowledged before the stop")
            #expect(acknowledged.count > 50)
            // While stopping, a request may be refused with 503, never with anything else.
            #expect(refusals.allSatisfy { $0.hasPrefix("503") }, "\(refusals.prefix(3))")
            let stderr = served.child.stderr.text
            #expect(stderr.contains("stopped at head seq"), "\(stderr.suffix(500))")
            if let range = stderr.range(of: #"stopped at head seq [0-9]+"#, options: .regularExpression),
               let stoppedAt = Int64(stderr[range].split(separator: " ").last ?? "") {
                #expect(stoppedAt >= acknowledged.map(\.seq).max() ?? 0)
            }
            try Self.checkDurable(acknowledged, in: ledger, context: "SIGTERM")
            let verify = ledger.ties("verify")
            #expect(verify.status == 0, "\(verify)")
        }
    }
}

/// Just enough HTTP/1.1 for the child-process tests: one request per
/// connection (`Connection: close`), read to the end.
enum MiniHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct Reply: CustomStringConvertible {
        var status: Int
        var body: [UInt8]
        var json: JSONValue? { try? JSONParser.parse(body) }
        var description: String { "\(status) \(String(decoding: body, as: UTF8.self).prefix(300))" }
    }

    static func request(_ method: String, _ target: String, body: String?, key: String?, close: Bool = true) -> [UInt8] {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if close { text += "Connection: close\r\n" }
        if let key { text += "Authorization: Bearer \(key)\r\n" }
        if let body {
            text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        } else {
            text += "\r\n"
        }
        return Array(text.utf8)
    }

    static func call(port: UInt16, _ method: String, _ target: String, body: String? = nil, key: String?, timeoutMs: Int = 10_000) throws -> Reply {
        let connection = try Connection(port: port)
        try connection.send(request(method, target, body: body, key: key))
        return try connection.readUntilClosed(timeoutMs: timeoutMs)
    }

    /// One TCP connection to 127.0.0.1.
    final class Connection {
        private let fd: Int32

        init(port: UInt16) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                let error = errno
                Glibc.close(fd)
                throw Failure(description: "connect: errno \(error)")
            }
        }

        deinit { Glibc.close(fd) }

        func send(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { raw in
                var sent = 0
                while sent < raw.count {
                    let result = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                    if result < 0 {
                        if errno == EINTR { continue }
                        throw Failure(description: "send: errno \(errno)")
                    }
                    sent += result
                }
            }
        }

        /// Reads until the server closes, then parses the one response.
        func readUntilClosed(timeoutMs: Int) throws -> Reply {
            var received: [UInt8] = []
            let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
                guard left > 0 else { throw Failure(description: "no end of response within \(timeoutMs) ms") }
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, left)
                if ready < 0 && errno == EINTR { continue }
                guard ready > 0 else { continue }
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "recv: errno \(errno)")
                }
                if count == 0 { break }
                received.append(contentsOf: chunk[0..<count])
            }
            guard let headEnd = received.firstRange(of: [13, 10, 13, 10]) else {
                throw Failure(description: "no complete response head (\(received.count) bytes)")
            }
            let statusLine = String(decoding: received[..<headEnd.lowerBound], as: UTF8.self).split(separator: "\r\n").first ?? ""
            let parts = statusLine.split(separator: " ")
            guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line \(statusLine)") }
            return Reply(status: status, body: Array(received[headEnd.upperBound...]))
        }
    }
}
