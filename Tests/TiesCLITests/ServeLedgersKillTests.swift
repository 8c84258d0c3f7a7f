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
        /// `ties serve --ledgers DIR --port 0`, with the port it chose.
        static func serve(_ directory: String) throws -> ServeKillTests.Served {
            try ServeKillTests.serve(["--ledgers", directory])
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
                try ServeKillTests.expectListed(acknowledged, port: restarted.port, prefix: "/v1/ledgers/\(name)", key: keys[name], context: context)
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
