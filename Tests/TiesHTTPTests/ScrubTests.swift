import Foundation
import Testing
import TiesCore
@testable import TiesHTTP
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

/// The background scrub of `ties serve`, and what damage it finds does:
/// health 503 `damaged`, writes refused with 503 `ledger_damaged`, reads go
/// on; `ties repair` clears it.
@Suite("background scrub")
struct ScrubTests {
    /// A ledger of three commits, closed; the byte offset of each commit's line.
    static func ledger() throws -> (TemporaryDirectory, [Int]) {
        let directory = try TemporaryDirectory("ties-scrub-")
        try Ledger.create(at: directory.path)
        let ledger = try Ledger.open(at: directory.path, access: .write)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: CommitMetadata(actor: "t"))
        _ = try ledger.commit([Op.link(Keys.placed, "ada", "o1")], metadata: CommitMetadata(actor: "t"))
        _ = try ledger.commit([Op.link(Keys.placed, "ada", "o2")], metadata: CommitMetadata(actor: "t"))
        ledger.close()
        let log = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.file("log.jsonl"))))
        let starts = [0] + log.indices.filter { log[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }.dropLast()
        return (directory, Array(starts))
    }

    @Test("a flipped byte in an old commit is found by the scrub at start: health 503 damaged, writes 503, reads 200", .timeLimit(.minutes(1)))
    func damageFoundByTheScrub() throws {
        let (directory, starts) = try Self.ledger()
        defer { directory.cleanUp() }
        // The middle commit (seq 3): opening checks only the last one.
        let path = directory.file("log.jsonl")
        var log = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        log[starts[1] + 30] ^= 0x01
        try Data(log).write(to: URL(fileURLWithPath: path))

        let server = try ServerHarness(directory: directory.path)
        defer { server.stop() }
        var health = try server.call("GET", "/v1/health", token: nil)
        #expect(Wait.until(timeoutMs: 30_000) {
            health = (try? server.call("GET", "/v1/health", token: nil)) ?? health
            return health.status == 503
        })
        #expect(health.json["status"].string == "damaged" && health.json["seq"].int == 3 && health.json["offset"].int == Int64(starts[1]),
                "\(health)")
        #expect(health.json["foundBy"].string == "scrub")
        let write = try server.call("POST", "/v1/object-types", #"{"name":"later"}"#, token: server.appendKey)
        #expect(write.status == 503 && write.code == "ledger_damaged", "\(write)")
        #expect(write.json["seq"].int == 3, "\(write)")
        let read = try server.call("GET", "/v1/records/person/ada/relationships", token: server.readKey)
        #expect(read.status == 200, "\(read)")
        server.stop()

        // Repair keeps the log up to the commit before the damage, and clears the record.
        _ = try Repair.run(directory: directory.path, truncateAt: 2, warn: { _ in })
        #expect(!FileManager.default.fileExists(atPath: directory.file("damaged.json")))
        let ledger = try Ledger.open(at: directory.path, access: .write)
        _ = try ledger.commit([Op.define("later")], metadata: CommitMetadata(actor: "t"))
    }

    @Test("on a whole log the scrub completes a pass and health reports it, with the bytes it read", .timeLimit(.minutes(1)))
    func wholeLogPasses() throws {
        let (directory, _) = try Self.ledger()
        defer { directory.cleanUp() }
        let server = try ServerHarness(directory: directory.path)
        defer { server.stop() }
        var health = try server.call("GET", "/v1/health", token: nil)
        #expect(Wait.until(timeoutMs: 30_000) {
            health = (try? server.call("GET", "/v1/health", token: nil)) ?? health
            return health.json["scrub"]["passesCompleted"].int == 1
        }, "\(health)")
        let size = try FileManager.default.attributesOfItem(atPath: directory.file("log.jsonl"))[.size] as? Int
        #expect(health.status == 200 && health.json["scrub"]["bytesDone"].int == size.map(Int64.init), "\(health)")
    }

    @Test("the scrub's thread runs at nice Limits.scrubThreadNiceness, and the thread that started it keeps its own", .timeLimit(.minutes(1)))
    func lowerPriority() throws {
        let (directory, _) = try Self.ledger()
        defer { directory.cleanUp() }
        let own = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let scrub = LogScrub(directory: directory.path, policy: ScrubPolicy(), warn: { _ in })
        scrub.start()
        defer { scrub.stop() }
        let nice = Wait.forValue { Self.niceOfThread(named: "ties-scrub") }
        #expect(nice == Int(Limits.scrubThreadNiceness))
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == own)
    }

    /// The nice value of this process's thread named `name` (`/proc/self/task/TID/stat`, field 19), or nil.
    /// `try?`: a thread listed may end before it is read, and is then not the one looked for.
    static func niceOfThread(named name: String) -> Int? {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for task in tasks {
            guard let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8),
                  comm.trimmingCharacters(in: .whitespacesAndNewlines) == name,
                  let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After the name: field 3 (state) onwards, so field 19 is the 17th.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 16 ? Int(fields[16]) : nil
        }
        return nil
    }

    @Test("the scrub's rate limit is kept: a pass over 2 MB at 1 MB/s takes about two seconds")
    func rateLimit() throws {
        let directory = try TemporaryDirectory("ties-scrub-rate-")
        defer { directory.cleanUp() }
        try Ledger.create(at: directory.path)
        let ledger = try Ledger.open(at: directory.path, access: .write)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: CommitMetadata(actor: "t"))
        while try ledger.stats().logBytes < 2_000_000 {
            _ = try ledger.commit((0..<1_000).map { Op.link(Keys.placed, "p\(ledger.headSeq)", "o\($0)") }, metadata: CommitMetadata(actor: "t"))
        }
        ledger.close()
        var policy = ScrubPolicy()
        policy.mbPerSecond = 1
        let scrub = LogScrub(directory: directory.path, policy: policy, warn: { _ in })
        let start = Date()
        scrub.pass(mbPerSecond: policy.mbPerSecond)
        let seconds = Date().timeIntervalSince(start)
        #expect(scrub.progress.passesCompleted == 1)
        #expect(seconds >= 1.8, "\(seconds) s for \(scrub.progress.bytesDone) bytes at 1 MB/s")
    }

    @Test("A server of many ledgers scrubs every ledger, open or not, one at a time: damage in one is that ledger's alone", .timeLimit(.minutes(1)))
    func scrubRotationFindsDamagePerLedger() throws {
        let scratch = try TemporaryDirectory("ties-scrub-rotation-")
        defer { scratch.cleanUp() }
        let set = try LedgerSet(directory: scratch.path)
        let token = try set.keys.create(name: "ops", role: .admin, now: Ledger.clock())
        for name in ["sound", "rotten"] {
            let (ledger, starts) = try Self.ledger()
            defer { ledger.cleanUp() }
            try FileManager.default.copyItem(atPath: ledger.path, toPath: scratch.path + "/" + name)
            if name == "rotten" {
                let path = scratch.path + "/rotten/log.jsonl"
                var log = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                log[starts[1] + 30] ^= 0x01
                try Data(log).write(to: URL(fileURLWithPath: path))
            }
        }
        let server = try LedgersServer(directory: scratch.path, configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), log: { _ in })
        server.start()
        defer { server.stop(graceMs: 30_000) }
        // Neither ledger is opened by a request until the scrub has found the damage.
        #expect(Wait.until(timeoutMs: 30_000) { FileManager.default.fileExists(atPath: scratch.path + "/rotten/damaged.json") })
        #expect(server.openLedgers.isEmpty)
        func health(_ name: String) -> Reply {
            Reply(server.api.handle(HTTPRequest(method: "GET", target: "/v1/ledgers/\(name)/health",
                                                headers: HTTPHeaders([("Authorization", "Bearer \(token)")]))).response)
        }
        let rotten = health("rotten")
        #expect(rotten.status == 503 && rotten.json["status"].string == "damaged" && rotten.json["seq"].int == 3, "\(rotten)")
        var sound = health("sound")
        #expect(Wait.until(timeoutMs: 30_000) {
            sound = health("sound")
            return sound.json["scrub"]["passesCompleted"].int == 1
        }, "\(sound)")
        #expect(sound.status == 200 && !FileManager.default.fileExists(atPath: scratch.path + "/sound/damaged.json"), "\(sound)")
    }
}
