import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

/// `Idempotency-Key` (TiesHTTP.docc/Headers.md): a retry with the same key and body gets the
/// first answer back and appends nothing, for the life of the ledger; the
/// same key with another request is 422.
@Suite("HTTP API idempotency")
struct APIIdempotencyTests {
    static func keyed(_ key: String) -> [(String, String)] { [("Idempotency-Key", key)] }

    @Test("A retry with the same key and body gets the same answer, marked replayed, and appends nothing")
    func retryIsReplayed() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        let body = Bodies.placed(placed, "u1", "o1", attributes: #"{"channel":"web"}"#)
        let first = harness.call("POST", "/v1/relationships", body, headers: Self.keyed("k-1"))
        #expect(first.status == 201)
        #expect(first.headers["idempotency-replayed"] == nil)
        let head = harness.head

        for _ in 0..<3 {
            let retry = harness.call("POST", "/v1/relationships", body, headers: Self.keyed("k-1"))
            #expect(retry.status == 201)
            #expect(retry.body == first.body)
            #expect(retry.headers["idempotency-replayed"] == "true")
            #expect(retry.contentType == "application/json")
        }
        #expect(harness.head == head)
        // Without the key, the same body is an ordinary (no-op) link.
        let plain = harness.call("POST", "/v1/relationships", body)
        #expect(plain.status == 200)
        #expect(plain.json["created"].bool == false)
    }

    @Test("The same body with other key order and whitespace is the same request")
    func canonicalBodyMatches() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let first = harness.call("POST", "/v1/object-types", #"{"name":"order","description":"A purchase"}"#, headers: Self.keyed("k"))
        #expect(first.status == 201)
        let retry = harness.call("POST", "/v1/object-types", "{ \"description\" : \"A purchase\",\n \"name\":\"order\" }", headers: Self.keyed("k"))
        #expect(retry.status == 201)
        #expect(retry.headers["idempotency-replayed"] == "true")
        #expect(retry.body == first.body)
        #expect(harness.head == 1)
    }

    @Test("The same key with another body, path or If-Match is 422 idempotency_key_reused and appends nothing")
    func reusedKeyIsRefused() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineOrder, headers: Self.keyed("k-2"))
        let head = harness.head
        let otherBody = harness.call("POST", "/v1/object-types", #"{"name":"household"}"#, headers: Self.keyed("k-2"))
        APIProblemTests.problem(otherBody, 422, "idempotency_key_reused")
        #expect(otherBody.json["idempotencyKey"].string == "k-2")
        let otherPath = harness.call("POST", "/v1/batch", #"[{"op":"defineObjectType","name":"order","description":"A purchase"}]"#,
                                     headers: Self.keyed("k-2"))
        APIProblemTests.problem(otherPath, 422, "idempotency_key_reused")
        let otherCondition = harness.call("POST", "/v1/object-types", Bodies.defineOrder, headers: Self.keyed("k-2") + [("If-Match", "1")])
        APIProblemTests.problem(otherCondition, 422, "idempotency_key_reused")
        #expect(harness.head == head)
        let types = try harness.expect(200, "GET", "/v1/object-types", as: .read)
        #expect(types["objectTypes"].array.map { $0["name"].string } == ["order"])
    }

    @Test("A keyed request that appended nothing is replayed too, and its key cannot be reused")
    func keyedNoOpIsReplayed() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineOrder)
        let first = harness.call("POST", "/v1/object-types", Bodies.defineOrder, headers: Self.keyed("noop"))
        #expect(first.status == 200)
        #expect(first.json["created"].bool == false)
        #expect(first.headers["idempotency-replayed"] == nil)
        let retry = harness.call("POST", "/v1/object-types", Bodies.defineOrder, headers: Self.keyed("noop"))
        #expect(retry.status == 200)
        #expect(retry.body == first.body)
        #expect(retry.headers["idempotency-replayed"] == "true")
        APIProblemTests.problem(harness.call("POST", "/v1/object-types", #"{"name":"x"}"#, headers: Self.keyed("noop")), 422, "idempotency_key_reused")
        #expect(harness.head == 1)
    }

    @Test("A replay answers the first answer even after the head moved and with a now-stale If-Match")
    func replayBeatsConditions() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let first = harness.call("POST", "/v1/object-types", Bodies.defineOrder, headers: Self.keyed("cond") + [("If-Match", "0")])
        #expect(first.status == 201)
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineLineItem)
        let retry = harness.call("POST", "/v1/object-types", Bodies.defineOrder, headers: Self.keyed("cond") + [("If-Match", "0")])
        #expect(retry.status == 201, "\(retry)")
        #expect(retry.body == first.body)
        #expect(retry.headers["idempotency-replayed"] == "true")
        #expect(harness.head == 2)
    }

    @Test("A keyed batch is replayed with its firstSeq, lastSeq and results")
    func keyedBatchIsReplayed() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let body = #"[{"op":"defineObjectType","name":"order"},{"op":"defineObjectType","name":"line_item"}]"#
        let first = harness.call("POST", "/v1/batch", body, headers: Self.keyed("batch-1"))
        #expect(first.status == 200)
        #expect(first.json["lastSeq"].int == 2)
        let retry = harness.call("POST", "/v1/batch", body, headers: Self.keyed("batch-1"))
        #expect(retry.body == first.body)
        #expect(retry.headers["idempotency-replayed"] == "true")
        #expect(harness.head == 2)
    }

    @Test("A keyed request that was refused is not remembered: fixing it and retrying with the key commits")
    func refusedRequestDoesNotBindTheKey() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        let refused = harness.call("DELETE", "/v1/relationships", Bodies.placed(placed, "u1", "o1"), headers: Self.keyed("retry-me"))
        #expect(refused.status == 404)
        let head = harness.head
        let fixed = harness.call("POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1"), headers: Self.keyed("retry-me"))
        #expect(fixed.status == 201, "\(fixed)")
        #expect(harness.head == head + 1)
    }

    @Test("Concurrent requests with one key commit once; every other answer is the first answer, replayed")
    func concurrentRetriesCommitOnce() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        let head = harness.head
        let body = Bodies.placed(placed, "u1", "o1")
        let replies = Collected<Reply>()
        let finished = runOnThreads(12) { _ in
            replies.append(harness.call("POST", "/v1/relationships", body, headers: Self.keyed("race")))
        }
        #expect(finished)
        let all = replies.all
        #expect(all.count == 12)
        #expect(all.allSatisfy { $0.status == 201 }, "\(all)")
        #expect(all.filter { $0.headers["idempotency-replayed"] == nil }.count == 1)
        #expect(Set(all.map(\.body)).count == 1)
        #expect(harness.head == head + 1)
    }

    // MARK: Across restarts

    @Test("A retry after the server restarts, even on a projection rebuilt from the log, is still replayed, and a reused key still refused",
          arguments: [false, true])
    func replayAfterRestart(projectionRebuilt: Bool) throws {
        let scratch = try TemporaryDirectory("ties-http-restart-")
        defer { scratch.cleanUp() }
        let directory = scratch.path
        try Ledger.create(at: directory)
        let body = #"[{"op":"defineObjectType","name":"order"},{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order"}]"#
        let first: Reply
        let noOp: Reply
        let keys: (append: String, read: String)
        do {
            let server = try ServerHarness(directory: directory)
            keys = (server.appendKey, server.readKey)
            first = try server.call("POST", "/v1/batch", body, token: server.appendKey, headers: Self.keyed("restart-1"))
            #expect(first.status == 200, "\(first)")
            noOp = try server.call("POST", "/v1/object-types", #"{"name":"order"}"#, token: server.appendKey, headers: Self.keyed("restart-noop"))
            #expect(noOp.status == 200, "\(noOp)")
            server.stop()
        }
        if projectionRebuilt {
            // Keys and outcomes of commits must come back from the log alone.
            for file in ["projection.sqlite", "projection.sqlite-wal", "projection.sqlite-shm"] { try Files.removeTree(directory + "/" + file) }
        }
        let server = try ServerHarness(directory: directory, keys: keys)
        defer { server.stop() }
        #expect(server.server.service.head.seq == 2)
        let retry = try server.call("POST", "/v1/batch", body, token: server.appendKey, headers: Self.keyed("restart-1"))
        #expect(retry.status == 200)
        #expect(retry.body == first.body)
        #expect(retry.headers["idempotency-replayed"] == "true")
        let noOpRetry = try server.call("POST", "/v1/object-types", #"{"name":"order"}"#, token: server.appendKey, headers: Self.keyed("restart-noop"))
        #expect(noOpRetry.body == noOp.body)
        // A keyed request that appended nothing left a receipt in the log: its key outlives the projection too.
        #expect(noOpRetry.headers["idempotency-replayed"] == "true")
        for key in ["restart-1", "restart-noop"] {
            let reused = try server.call("POST", "/v1/object-types", #"{"name":"other"}"#, token: server.appendKey, headers: Self.keyed(key))
            #expect(reused.status == 422, "\(key): \(reused)")
            #expect(reused.code == "idempotency_key_reused")
        }
        #expect(server.server.service.head.seq == 2)
        #expect(try Verifier.verify(directory: directory).isIntact)
    }
}
