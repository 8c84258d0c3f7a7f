import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesTestSupport

/// Many clients writing at once through real sockets: every write is
/// acknowledged with its own seq, seqs are gapless, and the writer
/// group-commits (fewer syncs than commits).
@Suite("HTTP server under concurrent writes")
struct ServerConcurrencyTests {
    static let threads = 16
    static let requestsPerThread = 50

    /// What one client thread saw.
    struct Outcome: Sendable {
        var seqs: [Int64] = []
        var failures: [String] = []
    }

    @Test("16 threads × 50 links: all 2xx, seqs unique and contiguous, head equals the count, group commit used")
    func concurrentLinks() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let setup = try server.connect()
        var placed = ""
        for (path, body) in [("/v1/object-types", Bodies.defineOrder), ("/v1/relationship-types", Bodies.registerPlaced)] {
            try setup.send(HTTPWire.request("POST", path, body: body, token: server.appendKey))
            let reply = try setup.readResponse()
            try #require(reply.status == 201, "\(reply)")
            placed = reply.json["relationshipTypeId"].string ?? placed
        }
        let baseHead = server.server.service.head.seq
        let baseSyncs = server.server.service.syncCount
        let outcomes = Collected<Outcome>()
        let port = server.port
        let token = server.appendKey
        let typeId = placed
        let started = Deadline.nowNanoseconds()
        let finished = runOnThreads(Self.threads, timeoutSeconds: 300) { thread in
            var outcome = Outcome()
            do {
                let client = try HTTPTestClient(port: port)
                for index in 0..<Self.requestsPerThread {
                    let body = Bodies.placed(typeId, "p\(thread)", "o\(thread)-\(index)", attributes: #"{"i":\#(index)}"#)
                    try client.send(HTTPWire.request("POST", "/v1/relationships", body: body, token: token))
                    let reply = try client.readResponse()
                    if (200..<300).contains(reply.status), let seq = reply.json["seq"].int {
                        outcome.seqs.append(seq)
                    } else {
                        outcome.failures.append("thread \(thread) #\(index): \(reply)")
                    }
                }
            } catch {
                outcome.failures.append("thread \(thread): \(error)")
            }
            outcomes.append(outcome)
        }
        let elapsed = Double(Deadline.nowNanoseconds() - started) / 1e9
        #expect(finished, "the client threads did not finish in time")
        let all = outcomes.all
        let failures = all.flatMap(\.failures)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        let seqs = all.flatMap(\.seqs)
        let count = Self.threads * Self.requestsPerThread
        #expect(seqs.count == count)
        #expect(Set(seqs).count == seqs.count, "a seq was handed out twice")
        #expect(seqs.sorted() == Array((baseHead + 1)...(baseHead + Int64(count))))
        // Each client's own writes were acknowledged in the order it sent them.
        for outcome in all { #expect(outcome.seqs == outcome.seqs.sorted()) }
        let head = server.server.service.head.seq
        #expect(head == baseHead + Int64(count))
        let syncs = server.server.service.syncCount - baseSyncs
        #expect(syncs <= count, "more syncs (\(syncs)) than commits (\(count))")
        print("group commit: \(count) commits in \(syncs) syncs (\(String(format: "%.1f", Double(count) / Double(max(1, syncs)))) commits per sync), \(String(format: "%.2f", elapsed)) s")

        // Every acknowledged link is there.
        let reader = try server.connect()
        for thread in 0..<Self.threads {
            try reader.send(HTTPWire.request("GET", "/v1/records/person/p\(thread)/relationships", token: server.readKey))
            let view = try reader.readResponse()
            #expect(view.json["relationships"].array.count == Self.requestsPerThread, "person p\(thread)")
        }
    }

    @Test("Concurrent conflicting writes with If-Match: exactly one wins per head, the rest get sequence_conflict")
    func concurrentIfMatch() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let port = server.port
        let token = server.appendKey
        let statuses = Collected<Int>()
        let finished = runOnThreads(12) { thread in
            do {
                let client = try HTTPTestClient(port: port)
                try client.send(HTTPWire.request("POST", "/v1/object-types", body: #"{"name":"racer_\#(thread)"}"#, token: token,
                                                 headers: [("If-Match", "0")]))
                statuses.append(try client.readResponse().status)
            } catch {
                statuses.append(-1)
            }
        }
        #expect(finished)
        let all = statuses.all.sorted()
        #expect(all.filter { $0 == 201 }.count == 1, "\(all)")
        #expect(all.filter { $0 == 409 }.count == 11, "\(all)")
        #expect(server.server.service.head.seq == 1)
    }

    @Test("Readers are answered while writers keep the writer busy")
    func readsDuringWrites() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let port = server.port
        let appendKey = server.appendKey
        let readKey = server.readKey
        let problems = Collected<String>()
        let finished = runOnThreads(8) { thread in
            do {
                let client = try HTTPTestClient(port: port)
                for index in 0..<30 {
                    if thread % 2 == 0 {
                        try client.send(HTTPWire.request("POST", "/v1/object-types", body: #"{"name":"t\#(thread)_\#(index)"}"#, token: appendKey))
                        let reply = try client.readResponse()
                        if reply.status != 201 { problems.append("write: \(reply)") }
                    } else {
                        try client.send(HTTPWire.request("GET", "/v1/events?after=0&limit=1000", token: readKey))
                        let reply = try client.readResponse()
                        let seqs = reply.json["events"].array.compactMap { $0["seq"].int }
                        // A read sees a whole prefix of the log: 1...n, no holes.
                        if reply.status != 200 || seqs != Array(stride(from: 1, through: Int64(seqs.count), by: 1)) {
                            problems.append("read: \(reply.status) \(seqs.count) events, not a prefix")
                        }
                    }
                }
            } catch {
                problems.append("thread \(thread): \(error)")
            }
        }
        #expect(finished)
        #expect(problems.all.isEmpty, "\(problems.all.prefix(5))")
        #expect(server.server.service.head.seq == 4 * 30)
    }
}
