import Foundation
import Testing
import TiesCore
import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

extension ChildProcessTests {
    /// SIGKILL at a random moment of an import: every commit the importer
    /// reported (one `"status":"committed"` line per durable commit) must be
    /// in the reopened ledger, and the log must read back whole.
    @Suite("kill -9 during import")
    struct KillDuringImportTests {
        /// One link an operation line asks for.
        struct PlannedLink {
            let from: RecordRef
            let to: RecordRef
        }

        /// ~20k operations, valid under cardinality on an empty ledger: two
        /// object types, `placed/order` (ONE_TO_MANY: every order gets one
        /// person) and `contains/order/line_item` (ONE_TO_MANY), then links.
        /// Returns the file's lines and the link each line number asks for.
        static func operations(links: Int = 20_000) -> (lines: [String], links: [Int: PlannedLink]) {
            var lines = [
                Op.define("order"), Op.define("line_item"),
                Op.register(Keys.placed, cardinality: .oneToMany), Op.register(Keys.contains, cardinality: .oneToMany),
            ].map(Op.line)
            var planned: [Int: PlannedLink] = [:]
            for index in 0..<links {
                if index % 5 == 4 {
                    let order = "o-\(index - 1)"
                    let item = "li-\(index)"
                    lines.append(Op.line(Op.link(Keys.contains, order, item)))
                    planned[lines.count] = PlannedLink(from: RecordRef(type: "order", id: order), to: RecordRef(type: "line_item", id: item))
                } else {
                    let person = "p-\(index % 997)"
                    let order = "o-\(index)"
                    lines.append(Op.line(Op.link(Keys.placed, person, order, ["n": .int(Int64(index))])))
                    planned[lines.count] = PlannedLink(from: RecordRef(type: "person", id: person), to: RecordRef(type: "order", id: order))
                }
            }
            return (lines, planned)
        }

        /// What the importer printed before it died.
        struct Reported {
            var lastSeq: Int64 = 0
            var committedThroughLine = 0
            var commits = 0
            var done = false
        }

        static func reported(_ lines: [String]) throws -> Reported {
            var reported = Reported()
            for line in lines {
                let status = try JSONParser.parse(line)
                switch status["status"]?.stringValue {
                case "committed":
                    reported.commits += 1
                    if let seq = status["lastSeq"]?.int64Value {
                        #expect(seq >= reported.lastSeq, "reported seqs went backwards: \(line)")
                        reported.lastSeq = max(reported.lastSeq, seq)
                    }
                    reported.committedThroughLine = max(reported.committedThroughLine, Int(status["committedThroughLine"]?.int64Value ?? 0))
                case "done":
                    reported.done = true
                default:
                    Issue.record("unexpected import status line: \(line)")
                }
            }
            return reported
        }

        /// Reads the whole log with the chain checked; returns the last seq and where the last commit ends.
        static func readWholeLog(_ ledger: Ledger) throws -> (lastSeq: Int64, endOffset: Int64) {
            let reader = try ledger.logReader(fromSeq: 1)
            var expectedSeq: Int64 = 1
            var previousHash = CommitCodec.genesisHash
            var endOffset: Int64 = 0
            while let scanned = try reader.next() {
                #expect(scanned.commit.firstSeq == expectedSeq)
                #expect(scanned.commit.previousHash == previousHash)
                #expect(scanned.offset == endOffset)
                expectedSeq = scanned.commit.lastSeq + 1
                previousHash = scanned.sealed.hash
                endOffset = scanned.endOffset
            }
            return (expectedSeq - 1, endOffset)
        }

        @Test(.timeLimit(.minutes(5)))
        func everyReportedCommitSurvivesSIGKILLAtARandomMoment() throws {
            let environment = ProcessInfo.processInfo.environment
            let rounds = environment["TIES_KILL_ROUNDS"].flatMap(Int.init) ?? 20
            let seed = environment["TIES_KILL_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
            print("kill -9 test: seed \(seed) (repeat with TIES_KILL_SEED=\(seed)), \(rounds) rounds")
            var random = SplitMix64(seed: seed)

            let scratch = try TemporaryDirectory("ties-kill-tests-")
            defer { scratch.cleanUp() }
            let (lines, planned) = Self.operations()
            let file = try scratch.write("ops.jsonl", lines.joined(separator: "\n") + "\n")

            var roundsWithCommits = 0
            var tornTails = 0
            var killedMidway = 0
            for round in 0..<rounds {
                let directory = scratch.file("ledger-\(round)")
                try Ledger.create(at: directory)
                let delayMs = Int.random(in: 5...300, using: &random)

                let child = try ChildProcess(ties: ["import", file, "--json", "--batch", "200", "--ledger", directory])
                // Even rounds die at a random moment after the start, maybe
                // before the first commit (a busy machine can take longer than
                // 300 ms to start a process); odd rounds a random moment after
                // the first reported commit, so some rounds always have
                // commits to check.
                let afterFirstCommit = round % 2 == 1
                if afterFirstCommit {
                    #expect(Wait.until(timeoutMs: 60_000) { !child.stdout.completeLines.isEmpty || !child.isRunning },
                            "round \(round): the import reported no commit within 60 s")
                }
                Thread.sleep(forTimeInterval: Double(afterFirstCommit ? delayMs / 3 : delayMs) / 1000)
                child.kill(.kill)
                try #require(child.wait(seconds: 60), "round \(round): the killed import did not go away")

                let moment = afterFirstCommit ? "\(delayMs / 3) ms after its first reported commit" : "\(delayMs) ms after it started"
                let context = "round \(round) (seed \(seed), killed \(moment))"
                if child.exitedNormally {
                    // It finished before the signal: then it must have succeeded.
                    #expect(child.status == 0, "\(context): \(child.summary)")
                } else {
                    #expect(child.status == ProcessSignal.kill.number, "\(context): \(child.summary)")
                    killedMidway += 1
                }
                let reported = try Self.reported(child.stdout.completeLines)
                if reported.commits > 0 { roundsWithCommits += 1 }

                let warnings = CapturedText()
                let ledger = try Ledger.open(at: directory, access: .write, warn: { _ = warnings.append($0 + "\n") })
                if warnings.value.contains("incomplete commit") { tornTails += 1 }
                #expect(ledger.headSeq >= reported.lastSeq, "\(context): head \(ledger.headSeq) < reported lastSeq \(reported.lastSeq)")

                let log = try Self.readWholeLog(ledger)
                #expect(log.lastSeq == ledger.headSeq, "\(context)")
                let logBytes = try FileManager.default.attributesOfItem(atPath: directory + "/log.jsonl")[.size] as? Int
                #expect(logBytes.map(Int64.init) == log.endOffset, "\(context): bytes after the last whole commit")

                if let line = planned.keys.filter({ $0 <= reported.committedThroughLine }).max(), let link = planned[line] {
                    let view = try ledger.relationships(of: link.from)
                    #expect(view.links.contains { $0.to == link.to && $0.direction == .forward },
                            "\(context): line \(line) (\(link.from) → \(link.to)) was reported committed but is not in the projection")
                }
                if reported.done { #expect(ledger.headSeq == Int64(lines.count)) }
            }
            print("kill -9 test: \(rounds) rounds, \(killedMidway) killed mid-import, \(roundsWithCommits) with reported commits, \(tornTails) torn tails cut off")
            #expect(roundsWithCommits > 0, "no round got as far as a reported commit; the test checked nothing about durability")
        }
    }
}
