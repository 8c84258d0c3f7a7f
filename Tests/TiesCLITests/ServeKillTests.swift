import Foundation
import Testing
import TiesCore
import TiesStore
import TiesSystem
import TiesTestSupport

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
            let child: ChildProcess
            let port: UInt16
        }

        struct Failure: Error, CustomStringConvertible {
            let description: String
        }

        /// Starts `ties serve --port 0` and reads the chosen port from its
        /// "serving … on http://127.0.0.1:PORT" line.
        static func serve(_ ledger: TestLedger) throws -> Served {
            try serve(["--ledger", ledger.directory])
        }

        /// Starts `ties serve OPTIONS… --port 0` and reads the chosen port
        /// from the first address it prints (`http://127.0.0.1:PORT`).
        static func serve(_ options: [String]) throws -> Served {
            let child = try ChildProcess(ties: ["serve"] + options + ["--port", "0"])
            var exited = false
            let port = Wait.forValue { () -> UInt16? in
                let text = child.stderr.text
                if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression),
                   let port = UInt16(text[range].split(separator: ":").last ?? "") {
                    return port
                }
                exited = !child.isRunning
                return exited ? 0 : nil
            }
            if let port, !exited { return Served(child: child, port: port) }
            child.kill(.kill)
            _ = child.wait(seconds: 30)
            throw Failure(description: "ties serve did not report its port: \(child.summary)")
        }

        /// One request on a connection of its own (`Connection: close`).
        static func call(port: UInt16, _ method: String, _ target: String, body: String? = nil, key: String?) throws -> HTTPTestResponse {
            let client = try HTTPTestClient(port: port)
            defer { client.close() }
            return try client.exchange(HTTPWire.request(method, target, body: body, token: key, headers: [("Connection", "close")]))
        }

        /// `order`, `placed/order` (ONE_TO_MANY) and an append key.
        static func prepare(_ ledger: TestLedger) throws -> (typeId: String, key: String) {
            let (placed, _) = try ledger.defineShop()
            let key = try KeyStore(ledgerDirectory: ledger.directory).create(name: "loader", role: .append, now: Ledger.clock())
            return (placed, key)
        }

        /// What one write of a load came to.
        enum Outcome: Sendable {
            case acknowledged(seq: Int64)
            /// Refused with an answer the test does not allow.
            case refused(String)
            /// Cut off by the server going away: no answer, or one that says so.
            case cutOff
        }

        /// Clients that link `p{thread}` → `o{thread}-{n}` until told to stop,
        /// keeping every acknowledged link; `write` makes one link.
        final class Load: @unchecked Sendable {
            // @unchecked: `acknowledged`, `failures` and `stopping` are only touched while holding `lock`.
            private let lock = NSLock()
            private var acknowledged: [Acknowledged] = []
            private var failures = 0
            private var refusals: [String] = []
            private var stopping = false
            private let done = DispatchGroup()

            init(threads: Int, prefix: String, write: @escaping @Sendable (_ person: String, _ order: String) -> Outcome) {
                for thread in 0..<threads {
                    done.enter()
                    Thread.detachNewThread { [self] in
                        run(thread: thread, prefix: prefix, write: write)
                        done.leave()
                    }
                }
            }

            /// HTTP clients: `POST /v1/relationships`, one connection per request.
            convenience init(threads: Int, port: UInt16, typeId: String, key: String, prefix: String) {
                self.init(threads: threads, prefix: prefix) { person, order in
                    let body = JSONValue.object([
                        "relationshipTypeId": .string(typeId), "personExternalId": .string(person), "customObjectExternalId": .string(order),
                    ]).encodedString
                    guard let reply = try? ServeKillTests.call(port: port, "POST", "/v1/relationships", body: body, key: key) else { return .cutOff }
                    if (200..<300).contains(reply.status), let seq = reply.json["seq"].int { return .acknowledged(seq: seq) }
                    return .refused("\(reply.status) \(reply.text)")
                }
            }

            /// CLI writers: a `ties link --json` process per write, handed to
            /// the server through its socket. Exit 3 is a server that died
            /// before answering; `ledger_busy` a CLI that found it gone and
            /// met another writing the ledger itself.
            static func cli(threads: Int, ledger: TestLedger, typeId: String, prefix: String) -> Load {
                Load(threads: threads, prefix: prefix) { person, order in
                    guard let child = try? ChildProcess(ties: ["link", "--ledger", ledger.directory, typeId, "person:" + person, "order:" + order, "--json"]),
                          child.wait(seconds: 120) else { return .cutOff }
                    if child.status == 0, let seq = (try? JSONParser.parse(child.stdout.text))?["seq"]?.int64Value { return .acknowledged(seq: seq) }
                    if child.status == 3 || child.stderr.text.contains("ledger_busy") { return .cutOff }
                    return .refused(child.summary)
                }
            }

            private var isStopping: Bool { lock.withLock { stopping } }

            private func run(thread: Int, prefix: String, write: (String, String) -> Outcome) {
                var index = 0
                while !isStopping {
                    index += 1
                    let person = "\(prefix)p\(thread)"
                    let order = "\(prefix)o\(thread)-\(index)"
                    switch write(person, order) {
                    case .acknowledged(let seq):
                        lock.withLock { acknowledged.append(Acknowledged(seq: seq, person: person, order: order)) }
                    case .refused(let answer):
                        lock.withLock { refusals.append(answer) }
                    case .cutOff:
                        lock.withLock { failures += 1 }
                        // The server is gone or going: do not spin.
                        Thread.sleep(forTimeInterval: 0.005)
                    }
                }
            }

            /// How many links have been acknowledged so far.
            var acknowledgedCount: Int { lock.withLock { acknowledged.count } }

            /// Waits until at least `count` links are acknowledged: enough
            /// load for the test to mean something, however slow the machine.
            func waitForAcknowledged(_ count: Int) -> Bool {
                Wait.until(timeoutMs: 60_000, pollMs: 10) { acknowledgedCount >= count }
            }

            /// Stops the clients and waits for them (at most `seconds`).
            func stop(seconds: Double = 60) -> Bool {
                lock.withLock { stopping = true }
                return done.wait(timeout: .now() + seconds) == .success
            }

            var results: (acknowledged: [Acknowledged], failures: Int, refusals: [String]) {
                lock.withLock { (acknowledged, failures, refusals) }
            }
        }

        /// `ties serve` on a prepared ledger, with eight clients linking and
        /// at least 60 links acknowledged already.
        static func serveUnderLoad(_ ledger: TestLedger, prefix: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws -> (served: Served, load: Load, key: String) {
            let (typeId, key) = try prepare(ledger)
            let served = try serve(ledger)
            let load = Load(threads: 8, port: served.port, typeId: typeId, key: key, prefix: prefix)
            #expect(load.waitForAcknowledged(60), "the server acknowledged only \(load.acknowledgedCount) links", sourceLocation: sourceLocation)
            return (served, load, key)
        }

        /// Every acknowledged link is listed by the restarted server at
        /// `PREFIX/records/person/ID/relationships` (`/v1`, or a ledger's
        /// `/v1/ledgers/NAME`).
        static func expectListed(_ acknowledged: [Acknowledged], port: UInt16, prefix: String, key: String?, context: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
            for (person, links) in Dictionary(grouping: acknowledged, by: \.person) {
                let view = try call(port: port, "GET", "\(prefix)/records/person/\(person)/relationships?limit=\(Limits.pageSizeMax)", key: key)
                #expect(view.json["next"].isNull, "\(context): \(person) has more links than one page", sourceLocation: sourceLocation)
                let listed = Set(view.json["relationships"].array.compactMap { $0["to"].string })
                let missing = links.filter { !listed.contains("order:" + $0.order) }
                #expect(missing.isEmpty, "\(context): \(person) lacks \(missing.count) acknowledged links after restart", sourceLocation: sourceLocation)
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
                let view = try opened.relationships(of: RecordRef(type: "person", id: person), limit: Limits.pageSizeMax)
                #expect(view.next == nil, "\(context): \(person) has more links than one page")
                let present = Set(view.links.filter { $0.direction == .forward }.map(\.to.id))
                for link in links where !present.contains(link.order) { missing.append("seq \(link.seq): \(person) → \(link.order)") }
            }
            #expect(missing.isEmpty, "\(context): \(missing.count) acknowledged links are missing: \(missing.prefix(5))")
            // Spot-check that the acknowledged seq holds that very link.
            for link in acknowledged.sorted(by: { $0.seq < $1.seq }).enumerated().filter({ $0.offset % 25 == 0 }).map(\.element) {
                let entry = try opened.events(after: link.seq - 1, limit: 1).first
                guard case .linked(let key, _, _)? = entry?.event else {
                    Issue.record("\(context): seq \(link.seq) is not a link: \(String(describing: entry))")
                    continue
                }
                #expect(key.from.id == link.person && key.to.id == link.order, "\(context): seq \(link.seq) holds \(key.from) → \(key.to)")
            }
        }

        @Test("Every acknowledged link survives SIGKILL of ties serve under load", .timeLimit(.minutes(5)))
        func acknowledgedWritesSurviveSIGKILL() throws {
            let environment = ProcessInfo.processInfo.environment
            let seed = environment["TIES_SERVE_KILL_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
            print("serve kill -9 test: seed \(seed) (repeat with TIES_SERVE_KILL_SEED=\(seed))")
            var random = SplitMix64(seed: seed)
            let ledger = try TestLedger.make()
            defer { ledger.remove() }
            let (served, load, key) = try Self.serveUnderLoad(ledger, prefix: "k\(seed % 1000)-")
            // Killed at a random moment under load.
            let runMs = Int.random(in: 0...1_000, using: &random)
            Thread.sleep(forTimeInterval: Double(runMs) / 1000)
            served.child.kill(.kill)
            #expect(load.stop(), "the client threads did not stop")
            #expect(served.child.wait(seconds: 60), "the killed server did not go away")
            #expect(!served.child.exitedNormally && served.child.status == ProcessSignal.kill.number, "\(served.child.summary)")

            let (acknowledged, failures, refusals) = load.results
            let context = "seed \(seed), killed \(runMs) ms after the 60th acknowledged link"
            print("serve kill -9 test: \(acknowledged.count) links acknowledged, \(failures) requests cut off, \(context)")
            #expect(acknowledged.count > 50, "\(context): too few writes were acknowledged for the test to mean anything")
            #expect(refusals.isEmpty, "\(context): \(refusals.prefix(3))")

            // Restart on the same ledger: it recovers and serves every acknowledged link.
            let restarted = try Self.serve(ledger)
            let health = try Self.call(port: restarted.port, "GET", "/v1/health", key: nil)
            let head = health.json["headSeq"].int ?? -1
            #expect(health.status == 200)
            #expect(head >= acknowledged.map(\.seq).max() ?? 0, "\(context): restarted head \(head)")
            try Self.expectListed(acknowledged, port: restarted.port, prefix: "/v1", key: key, context: context)
            restarted.child.kill(.terminate)
            #expect(restarted.child.wait(seconds: 60))
            #expect(restarted.child.exitedNormally && restarted.child.status == 0, "\(restarted.child.summary)")

            try Self.checkDurable(acknowledged, in: ledger, context: context)
            let verify = ledger.ties("verify")
            #expect(verify.status == 0, "\(verify)")
        }

        /// Rounds of `acknowledgedWritesSurviveRepeatedSIGKILL`:
        /// TIES_SERVE_KILL_ROUNDS (3 in CI; `.ci/kill9 --rounds N` for more).
        static let killRounds = max(1, ProcessInfo.processInfo.environment["TIES_SERVE_KILL_ROUNDS"].flatMap { Int($0) } ?? 3)

        /// Totals over the rounds, printed at the end.
        struct KillTally: CustomStringConvertible {
            var rounds = 0
            var acknowledged = 0
            /// Of them, by `ties link` processes through the server.
            var cliAcknowledged = 0
            var cutOff = 0
            var head: Int64 = 0
            var description: String {
                "\(rounds) rounds of kill -9: \(acknowledged) links acknowledged (\(cliAcknowledged) by CLI processes through the server), "
                    + "\(cutOff) requests cut off by the kills, head seq \(head)"
            }
        }

        @Test("Round after round of kill -9 under concurrent HTTP and CLI writers, each restart on the same ledger: no acknowledged commit is lost and the chain stays whole",
              .timeLimit(.minutes(60)))
        func acknowledgedWritesSurviveRepeatedSIGKILL() throws {
            let environment = ProcessInfo.processInfo.environment
            let seed = environment["TIES_SERVE_KILL_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
            var random = SplitMix64(seed: seed)
            let ledger = try TestLedger.make()
            defer { ledger.remove() }
            let (typeId, key) = try Self.prepare(ledger)
            var acknowledged: [Acknowledged] = []
            var tally = KillTally()
            for round in 0..<Self.killRounds {
                let context = "round \(round) (TIES_SERVE_KILL_SEED=\(seed))"
                // Each start recovers from the kill before it.
                let served = try Self.serve(ledger)
                let health = try Self.call(port: served.port, "GET", "/v1/health", key: nil)
                #expect(health.json["headSeq"].int ?? -1 >= acknowledged.map(\.seq).max() ?? 0, "\(context): \(health)")
                let load = Load(threads: 6, port: served.port, typeId: typeId, key: key, prefix: "r\(round)-")
                // CLI writers beside the HTTP ones, handed to the server through its socket.
                let cli = Load.cli(threads: 2, ledger: ledger, typeId: typeId, prefix: "r\(round)-cli-")
                #expect(load.waitForAcknowledged(10), "\(context): only \(load.acknowledgedCount) links acknowledged")
                #expect(cli.waitForAcknowledged(1), "\(context): no CLI link was acknowledged")
                Thread.sleep(forTimeInterval: Double(Int.random(in: 0...400, using: &random)) / 1000)
                served.child.kill(.kill)
                #expect(load.stop() && cli.stop(), "\(context): the client threads did not stop")
                #expect(served.child.wait(seconds: 60), "\(context): the killed server did not go away")
                for writers in [load, cli] {
                    let (kept, failures, refusals) = writers.results
                    #expect(refusals.isEmpty, "\(context): \(refusals.prefix(3))")
                    acknowledged += kept
                    tally.acknowledged += kept.count
                    tally.cutOff += failures
                }
                tally.cliAcknowledged += cli.acknowledgedCount
                tally.rounds += 1
            }
            try Self.checkDurable(acknowledged, in: ledger, context: "after \(Self.killRounds) kills (TIES_SERVE_KILL_SEED=\(seed))")
            tally.head = try ledger.open(.read).headSeq
            let verify = ledger.ties("verify")
            #expect(verify.status == 0, "\(verify)")
            print("serve kill -9 rounds: \(tally) (TIES_SERVE_KILL_SEED=\(seed)); ties verify: exit \(verify.status)")
        }

        @Test("SIGTERM while requests are in flight: exit 0 and every 2xx'd commit present", .timeLimit(.minutes(5)))
        func gracefulStopKeepsAcknowledgedWrites() throws {
            let ledger = try TestLedger.make()
            defer { ledger.remove() }
            let (served, load, key) = try Self.serveUnderLoad(ledger, prefix: "")

            // A long poll is in flight when the signal comes: it must still be
            // answered. It is sent pipelined behind a health check, in one
            // write: once the health answer is back, the server has read the
            // poll too and is handling it (a connection with a request in its
            // buffer is not idle, so the stop does not just close it).
            let poller = try HTTPTestClient(port: served.port)
            try poller.send(HTTPWire.request("GET", "/v1/health")
                            + HTTPWire.request("GET", "/v1/events?after=999999999&wait=60", token: key, headers: [("Connection", "close")]))
            #expect(try poller.readResponse().status == 200)
            served.child.kill(.terminate)
            let polled = try poller.readResponse()

            #expect(served.child.wait(seconds: 60), "ties serve did not stop after SIGTERM")
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
