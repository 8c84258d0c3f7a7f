import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesTestSupport

/// `GET /v1/stats` (TiesHTTP.docc/Endpoints.md): the counts `ties stats`
/// prints and the snapshot files, for the console's ledger view.
struct APIStatsTests {
    @Test("Stats counts commits, types and links as they are written, and lists the snapshot files")
    func statsFollowTheLedger() throws {
        let scratch = try TemporaryDirectory("ties-stats-tests-")
        defer { scratch.cleanUp() }
        let directory = scratch.path
        try Ledger.create(at: directory)
        // The writer's lock goes with its last reference, at the end of this scope.
        let snapshot = try { () throws -> SnapshotInfo in try Ledger.open(at: directory, access: .write).takeSnapshot() }()
        let service = try LedgerService(directory: directory, warn: { _ in })
        defer { service.shutdown(timeoutMs: 30_000) }
        let keys = KeyStore(ledgerDirectory: directory)
        let reader = try keys.create(name: "reader", role: .read, now: Ledger.clock())
        let writerKey = try keys.create(name: "writer", role: .append, now: Ledger.clock())
        let api = API(service: service, keys: keys)
        func call(_ method: String, _ target: String, _ body: String? = nil, token: String) -> Reply {
            Reply(api.handle(HTTPRequest(method: method, target: target, headers: HTTPHeaders([("Authorization", "Bearer \(token)")]),
                                         body: Array((body ?? "").utf8))).response)
        }

        let empty = call("GET", "/v1/stats", token: reader)
        #expect(empty.status == 200 && empty.contentType == "application/json", "\(empty)")
        #expect(empty.json["headSeq"].int == 0 && empty.json["commits"].int == 0 && empty.json["lastCommitAt"].isNull)
        #expect(empty.json["snapshots"].array.count == 1)
        #expect(empty.json["snapshots"][0]["seq"].int == snapshot.seq)
        #expect(empty.json["snapshots"][0]["bytes"].int == snapshot.bytes && snapshot.bytes > 0)
        #expect(empty.json["lastSnapshotSeq"].int == snapshot.seq)

        #expect(call("POST", "/v1/object-types", Bodies.defineOrder, token: writerKey).status == 201)
        let placed = call("POST", "/v1/relationship-types", Bodies.registerPlaced, token: writerKey)
        let typeId = try #require(placed.json["relationshipTypeId"].string, "\(placed)")
        #expect(call("POST", "/v1/relationships", Bodies.placed(typeId, "ada", "o-1"), token: writerKey).status == 201)
        #expect(call("POST", "/v1/relationships", Bodies.placed(typeId, "ada", "o-2"), token: writerKey).status == 201)
        let stats = call("GET", "/v1/stats", token: reader).json
        #expect(stats["headSeq"].int == 4 && stats["commits"].int == 4)
        #expect(stats["objectTypes"].int == 1 && stats["relationshipTypes"].int == 1)
        #expect(stats["currentLinks"].int == 2 && stats["linkVersions"].int == 2)
        #expect(stats["headHash"].string == service.head.hash)
        #expect((stats["logBytes"].int ?? 0) > 0 && stats["lastCommitAt"].string != nil)
        #expect(call("GET", "/v1/stats", token: "tk_wrong").status == 401)
    }
}
