import Foundation
import Testing
import TiesCore
import TiesStore
import TiesSystem
import TiesTestSupport

extension ChildProcessTests {
    /// CLI writes while `ties serve` holds the ledger: handed to the server
    /// through its socket, answered exactly as without a server, never lost
    /// or doubled under concurrent CLI and HTTP writers, and a server that
    /// dies mid-request is reported (exit 3) without anything unacknowledged
    /// being claimed.
    @Suite("CLI writes through a running server")
    struct CLIThroughServerTests {
        typealias Served = ServeKillTests.Served

        /// Every write verb, successes and each kind of refusal, in an order
        /// whose seqs both ledgers share. `{SEQ}` is the seq o2 was linked at.
        static func script(importFile: String, badImportFile: String) -> [[String]] {
            let placed = ["placed/order"]
            return [
                ["define-type", "order", "--description", "A purchase"],
                ["define-type", "person", "--identifier", "email:unique"],
                ["register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order", "--cardinality", "ONE_TO_MANY",
                 "--bidirectional", "--inverse-role", "placed_by"],
                ["link"] + placed + ["person:u1", "order:o1", "--attr", "channel=web", "--reason", "first order"],
                ["link"] + placed + ["person:u2", "order:o1"],
                ["link"] + placed + ["person:u1", "order:o1", "--attr", "channel=web", "--json"],
                ["set-attr"] + placed + ["person:u1", "order:o1", "--attr", "status=paid", "--unset", "channel"],
                ["set-attr"] + placed + ["person:u1", "order:o1", "--attr", "status=void", "--if-head", "1"],
                ["link"] + placed + ["person:u1", "order:o2", "--idempotency-key", "k1"],
                ["link"] + placed + ["person:u1", "order:o2", "--idempotency-key", "k1", "--json"],
                ["link"] + placed + ["person:u1", "order:o3", "--idempotency-key", "k1"],
                ["record", "set", "person:u1", "--field", "email=ada@example.com", "--field", "name=Ada"],
                ["record", "set", "person:u9", "--field", "email=ada@example.com"],
                ["link"] + placed + ["person[email=ada@example.com]", "order:o4", "--actor", "sync-service"],
                ["link"] + placed + ["person[email=nobody@example.com]", "order:o5"],
                ["link"] + placed + ["person[name=Ada]", "order:o5", "--json"],
                ["unlink"] + placed + ["person:u1", "order:o2", "--reason", "cancelled"],
                ["unlink"] + placed + ["person:u1", "order:o2"],
                ["restore"] + placed + ["person:u1", "order:o2", "--as-of", "{SEQ}"],
                ["restore"] + placed + ["person:u1", "order:o9", "--as-of", "{SEQ}"],
                ["erase", "person:u1", "--reason", "GDPR request"],
                ["record", "set", "person:u1", "--field", "email=new@example.com"],
                ["import", importFile],
                ["import", importFile, "--json"],
                ["import", badImportFile, "--batch", "2"],
                ["import", badImportFile, "--json"],
                ["link", "owns/order", "person:u1", "order:o1"],
                ["unlink"] + placed + ["person:u7", "order:o7", "--json"],
            ]
        }

        /// Output without what differs from run to run (an import's elapsed time and rate).
        static func comparable(_ text: String) -> String {
            text.replacingOccurrences(of: #"; [0-9]+\.[0-9]+ s(, [0-9]+ lines/s)?"#, with: "; T s", options: .regularExpression)
        }

        /// The event types and seqs of the log, in order, and each commit's actor and principal.
        static func logShape(_ ledger: TestLedger) throws -> [String] {
            try ledger.logLines().map { line in
                let commit = try JSONParser.parse(line)
                let events = (commit["events"]?.arrayValue ?? []).map { "\($0["seq"]?.int64Value ?? -1):\($0["type"]?.stringValue ?? "?")" }
                return "\(commit["actor"]?.stringValue ?? "-")/\(commit["principal"]?.stringValue ?? "-") " + events.joined(separator: ",")
            }
        }

        /// How many `relationship.linked` events each link has in the whole log.
        static func linkCounts(_ ledger: Ledger) throws -> [Claimed: Int] {
            var linked: [Claimed: Int] = [:]
            let reader = try ledger.logReader(fromSeq: 1)
            while let scanned = try reader.next() {
                for event in scanned.commit.events {
                    if case .linked(let key, _, _) = event { linked[Claimed(person: key.from.id, order: key.to.id), default: 0] += 1 }
                }
            }
            return linked
        }

        @Test("Every write verb answers through a running server exactly as without one", .timeLimit(.minutes(5)))
        func sameAnswersWithAndWithoutServer() throws {
            let served = try TestLedger.make()
            let alone = try TestLedger.make()
            defer {
                served.remove()
                alone.remove()
            }
            let importFile = try served.scratch.write("ops.jsonl", String(decoding: Op.file([
                Op.link(.personToCo(role: "placed", objectType: "order"), "u3", "o30"),
                Op.upsert("person:u3", set: ["email": .string("u3@example.com")]),
                Op.link(.personToCo(role: "placed", objectType: "order"), "u3", "o31", ["n": .int(1)]),
            ]), as: UTF8.self))
            let badImportFile = try served.scratch.write("bad.jsonl", String(decoding: Op.file([
                Op.link(.personToCo(role: "placed", objectType: "order"), "u4", "o40"),
                Op.link(.personToCo(role: "placed", objectType: "order"), "u4", "o41"),
                Op.link(.personToCo(role: "placed", objectType: "order"), "u5", "o40"),
            ]), as: UTF8.self))
            let server = try ServeKillTests.serve(served)
            var restoreSeq = "?"
            for arguments in Self.script(importFile: importFile, badImportFile: badImportFile) {
                let resolved = arguments.map { $0 == "{SEQ}" ? restoreSeq : $0 }
                let viaServer = served.ties(resolved)
                let direct = alone.ties(resolved)
                #expect(viaServer.status == direct.status, "\(resolved): \(viaServer) vs \(direct)")
                #expect(Self.comparable(viaServer.stdout) == Self.comparable(direct.stdout), "\(resolved)")
                #expect(Self.comparable(viaServer.stderr) == Self.comparable(direct.stderr), "\(resolved)")
                if resolved.contains("k1"), resolved.contains("order:o2"), let seq = try? viaServer.json()["seq"]?.int64Value {
                    restoreSeq = String(seq)
                }
            }
            #expect(restoreSeq != "?", "the keyed link's seq was not read")
            // The server did the writing: the lock is its, and the commits are the same ones.
            #expect(server.child.isRunning, "\(server.child.summary)")
            #expect(try Self.logShape(served) == Self.logShape(alone))
            #expect(try served.logLines().count > 10)

            server.child.kill(.terminate)
            #expect(server.child.wait(seconds: 60) && server.child.status == 0, "\(server.child.summary)")
            #expect(!FileManager.default.fileExists(atPath: served.directory + "/serve.sock"), "the stopped server left its socket")
            // With the server gone, the CLI writes by itself again.
            let after = served.ties("link", "placed/order", "person:u8", "order:o80")
            #expect(after.status == 0, "\(after)")
            #expect(served.ties("verify").status == 0)
        }

        /// A link a `ties link` process or an import reported as committed.
        struct Claimed: Hashable {
            let person: String
            let order: String
        }

        @Test("ties serve with concurrent CLI link and import processes and HTTP clients: every acknowledged write is in the log exactly once",
              .timeLimit(.minutes(10)))
        func concurrentWritersLoseAndDoubleNothing() throws {
            let ledger = try TestLedger.make()
            defer { ledger.remove() }
            let (typeId, key) = try ServeKillTests.prepare(ledger)
            let server = try ServeKillTests.serve(ledger)
            let http = ServeKillTests.Load(threads: 3, port: server.port, typeId: typeId, key: key, prefix: "h")

            let claims = LockedClaims()
            let group = DispatchGroup()
            for process in 0..<3 {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    for index in 0..<8 {
                        let claim = Claimed(person: "c\(process)", order: "c\(process)-\(index)")
                        guard let child = try? runTiesBinary(["link", "--ledger", ledger.directory, "placed/order", "person:" + claim.person,
                                                              "order:" + claim.order, "--json"]) else { continue }
                        claims.add(child.status == 0 ? claim : nil, failure: child.status == 0 ? nil : child.summary)
                    }
                }
            }
            for importer in 0..<2 {
                let operations = (0..<1_500).map { Operation.link(Op.request(.id(typeId), "i\(importer)-\($0 % 20)", "i\(importer)-\($0)", kind: .personToCo), attributes: [:]) }
                let file = try ledger.scratch.write("import-\(importer).jsonl", bytes: Op.file(operations))
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    guard let child = try? runTiesBinary(["import", "--ledger", ledger.directory, file, "--batch", "100", "--json"], seconds: 300) else {
                        claims.add(nil, failure: "import \(importer) did not start")
                        return
                    }
                    let committed = child.stdout.text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
                        .filter { $0["status"]?.stringValue == "committed" }.compactMap { $0["committedThroughLine"]?.int64Value }.max() ?? 0
                    for index in 0..<Int(committed) { claims.add(Claimed(person: "i\(importer)-\(index % 20)", order: "i\(importer)-\(index)"), failure: nil) }
                    if child.status != 0 || committed != 1_500 { claims.add(nil, failure: child.summary) }
                }
            }
            #expect(group.wait(timeout: .now() + 400) == .success, "the CLI writers did not finish")
            #expect(http.stop(), "the HTTP clients did not stop")
            server.child.kill(.terminate)
            #expect(server.child.wait(seconds: 60) && server.child.status == 0, "\(server.child.summary)")

            let (httpAcknowledged, _, refusals) = http.results
            let (cliClaims, failures) = claims.results
            #expect(failures.isEmpty, "\(failures.prefix(2))")
            #expect(refusals.isEmpty, "\(refusals.prefix(3))")
            #expect(cliClaims.count == 3 * 8 + 2 * 1_500)
            print("CLI through server: \(cliClaims.count) CLI links and \(httpAcknowledged.count) HTTP links acknowledged")

            let linked = try Self.linkCounts(try ledger.open(.read))
            let acknowledged = cliClaims.map { $0 } + httpAcknowledged.map { Claimed(person: $0.person, order: $0.order) }
            let wrong = acknowledged.filter { linked[$0] != 1 }
            #expect(wrong.isEmpty, "\(wrong.count) acknowledged links are not in the log exactly once: \(wrong.prefix(3).map { "\($0): \(linked[$0] ?? 0)" })")
            try ServeKillTests.checkDurable(httpAcknowledged, in: ledger, context: "CLI and HTTP writers")
            #expect(ledger.ties("verify").status == 0)
        }

        @Test("A server killed in the middle of an import: the CLI says so (exit 3) and every batch it reported is in the log", .timeLimit(.minutes(10)))
        func serverDeathMidImport() throws {
            let ledger = try TestLedger.make()
            defer { ledger.remove() }
            let (typeId, _) = try ServeKillTests.prepare(ledger)
            let server = try ServeKillTests.serve(ledger)
            let operations = (0..<200_000).map { Operation.link(Op.request(.id(typeId), "p\($0 % 500)", "o\($0)", kind: .personToCo), attributes: [:]) }
            let file = try ledger.scratch.write("big.jsonl", bytes: Op.file(operations))
            let importer = try ChildProcess(ties: ["import", "--ledger", ledger.directory, file, "--batch", "200", "--json"])
            let started = Wait.until(timeoutMs: 120_000, pollMs: 10) {
                importer.stdout.text.components(separatedBy: "\"committed\"").count > 3 || !importer.isRunning
            }
            #expect(started && importer.isRunning, "the import did not get going through the server: \(importer.summary)")
            server.child.kill(.kill)
            #expect(server.child.wait(seconds: 60))
            #expect(importer.wait(seconds: 120), "the import did not end after its server died")

            #expect(importer.status == 3, "\(importer.summary)")
            // Either the batch in flight was sent whole (its fate unknown) or the send failed (not taken).
            let stderr = importer.stderr.text
            #expect(stderr.contains("may or may not") || stderr.contains("before taking the request; nothing was committed"), "\(stderr.suffix(600))")
            let reports = importer.stdout.text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
            let committed = reports.filter { $0["status"]?.stringValue == "committed" }
            let lastAcknowledged = committed.compactMap { $0["lastSeq"]?.int64Value }.max() ?? 0
            let throughLine = committed.compactMap { $0["committedThroughLine"]?.int64Value }.max() ?? 0
            #expect(reports.last?["status"]?.stringValue == "failed", "\(reports.last.map { $0.encodedString } ?? "no report")")
            #expect(throughLine >= 400 && throughLine < 200_000, "through line \(throughLine)")

            // A dead server's socket is left behind: the next CLI write opens the ledger itself.
            #expect(FileManager.default.fileExists(atPath: ledger.directory + "/serve.sock"))
            let after = ledger.ties("link", "placed/order", "person:after", "order:after")
            #expect(after.status == 0, "\(after)")
            let opened = try ledger.open(.read)
            #expect(opened.headSeq > lastAcknowledged)
            let present = Set(try Self.linkCounts(opened).keys.map(\.order))
            let missing = (0..<Int(throughLine)).filter { !present.contains("o\($0)") }
            #expect(missing.isEmpty, "\(missing.count) acknowledged import lines are missing, first \(missing.prefix(3))")
            #expect(ledger.ties("verify").status == 0)
        }
    }

    /// Links CLI processes reported as committed, and what went wrong, from many threads.
    final class LockedClaims: @unchecked Sendable {
        // @unchecked: both arrays are only touched while holding `lock`.
        private let lock = NSLock()
        private var claims: [CLIThroughServerTests.Claimed] = []
        private var failures: [String] = []

        func add(_ claim: CLIThroughServerTests.Claimed?, failure: String?) {
            lock.withLock {
                if let claim { claims.append(claim) }
                if let failure { failures.append(failure) }
            }
        }

        var results: (claims: [CLIThroughServerTests.Claimed], failures: [String]) { lock.withLock { (claims, failures) } }
    }
}
