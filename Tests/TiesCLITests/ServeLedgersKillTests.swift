import Foundation
import Testing
import TiesCore
import TiesStore
import TiesSystem
import TiesTestSupport

extension ChildProcessTests {
    /// `ties serve --ledgers DIR` as a child process, killed with SIGKILL
    /// while clients write to several ledgers at once through their own
    /// keys: no acknowledged commit of any ledger is lost, and each ledger's
    /// chain stays whole.
    @Suite("ties serve --ledgers under kill -9")
    struct ServeLedgersKillTests {
        typealias Served = ServeKillTests.Served

        /// Starts `ties serve --ledgers DIR --port 0` and reads the chosen
        /// port from its "serving … at http://127.0.0.1:PORT/v1/ledgers/NAME" line.
        static func serve(_ directory: String) throws -> Served {
            let child = try ChildProcess(ties: ["serve", "--ledgers", directory, "--port", "0"])
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
            throw ServeKillTests.Failure(description: "ties serve --ledgers did not report its port: \(child.summary)")
        }

        @Test("Every link acknowledged by any ledger survives SIGKILL of a server of many ledgers", .timeLimit(.minutes(5)))
        func acknowledgedWritesOfEveryLedgerSurviveSIGKILL() throws {
            let seed = ProcessInfo.processInfo.environment["TIES_SERVE_KILL_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
            print("serve --ledgers kill -9 test: seed \(seed) (repeat with TIES_SERVE_KILL_SEED=\(seed))")
            var random = SplitMix64(seed: seed)
            let scratch = try TemporaryDirectory("ties-ledgers-kill-")
            defer { scratch.cleanUp() }
            let names = ["acme", "globex", "initech"]
            var keys: [String: String] = [:]
            var types: [String: String] = [:]
            for name in names {
                let directory = scratch.path + "/" + name
                let created = runCLI(["ledgers", "create", name, "--ledgers", scratch.path])
                try #require(created.status == 0, "\(created)")
                for arguments in [["define-type", "order"], ["register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order", "--json"]] {
                    let run = runCLI(arguments + ["--ledger", directory])
                    try #require(run.status == 0, "\(run)")
                    if arguments[0] == "register-type" { types[name] = try run.json()["relationshipTypeId"]?.stringValue }
                }
                keys[name] = try KeyStore(ledgerDirectory: directory).create(name: "\(name)-app", role: .append, now: Ledger.clock())
            }
            let served = try Self.serve(scratch.path)
            let port = served.port
            let (allKeys, allTypes) = (keys, types)
            // Two clients per ledger, each with that ledger's own key.
            let loads = names.map { name in
                ServeKillTests.Load(threads: 2, prefix: "\(name)-") { person, order in
                    let body = JSONValue.object([
                        "relationshipTypeId": .string(allTypes[name] ?? ""), "personExternalId": .string(person), "customObjectExternalId": .string(order),
                    ]).encodedString
                    guard let reply = try? ServeKillTests.call(port: port, "POST", "/v1/ledgers/\(name)/relationships", body: body, key: allKeys[name]) else {
                        return .cutOff
                    }
                    if (200..<300).contains(reply.status), let seq = reply.json["seq"].int { return .acknowledged(seq: seq) }
                    return .refused("\(reply.status) \(reply.text)")
                }
            }
            for load in loads { #expect(load.waitForAcknowledged(20), "only \(load.acknowledgedCount) links acknowledged") }
            let runMs = Int.random(in: 0...1_000, using: &random)
            Thread.sleep(forTimeInterval: Double(runMs) / 1000)
            served.child.kill(.kill)
            for load in loads { #expect(load.stop(), "the client threads did not stop") }
            #expect(served.child.wait(seconds: 60), "the killed server did not go away")

            let restarted = try Self.serve(scratch.path)
            defer {
                restarted.child.kill(.terminate)
                _ = restarted.child.wait(seconds: 60)
            }
            for (name, load) in zip(names, loads) {
                let (acknowledged, _, refusals) = load.results
                let context = "seed \(seed), ledger \(name), killed \(runMs) ms after the load began"
                #expect(refusals.isEmpty, "\(context): \(refusals.prefix(3))")
                print("serve --ledgers kill -9 test: \(name): \(acknowledged.count) links acknowledged")
                for (person, links) in Dictionary(grouping: acknowledged, by: \.person) {
                    let view = try ServeKillTests.call(port: restarted.port, "GET", "/v1/ledgers/\(name)/records/person/\(person)/relationships?limit=\(Limits.pageSizeMax)",
                                                       key: keys[name])
                    #expect(view.json["next"].isNull, "\(context): \(person) has more links than one page")
                    let listed = Set(view.json["relationships"].array.compactMap { $0["to"].string })
                    let missing = links.filter { !listed.contains("order:" + $0.order) }
                    #expect(missing.isEmpty, "\(context): \(person) lacks \(missing.count) acknowledged links after restart")
                }
            }
            restarted.child.kill(.terminate)
            #expect(restarted.child.wait(seconds: 60))
            #expect(restarted.child.exitedNormally && restarted.child.status == 0, "\(restarted.child.summary)")
            for name in names {
                let verify = runCLI(["verify", "--ledger", scratch.path + "/" + name])
                #expect(verify.status == 0, "\(name): \(verify)")
            }
        }
    }
}
