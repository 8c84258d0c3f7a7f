import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

/// Idempotency lives in the log: keyed commits keep their results, and
/// keyed lines written by older versions (with a rendered `response`) are
/// still replayed as they are.
@Suite("idempotency in the log")
struct IdempotencyLogTests {
    private func keyed(_ operations: [Operation], key: String, digest: String) -> CommitRequest {
        CommitRequest(operations: operations, metadata: CommitMetadata(actor: "crm", reason: nil, idempotencyKey: key), requestDigest: digest)
    }

    @Test("A keyed no-op is replayed with its results, and its key cannot be reused")
    func keyedNoOpIsReplayed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order")], metadata: metadata())
        let first = try ledger.commitGroup([keyed([Op.define("order")], key: "noop", digest: "d1")])[0].get()
        #expect(first.firstSeq == nil && !first.replayed)
        let retry = try ledger.commitGroup([keyed([Op.define("order")], key: "noop", digest: "d1")])[0].get()
        #expect(retry.replayed && retry.results == first.results && retry.firstSeq == nil && retry.lastSeq == nil)
        let reused = try ledger.commitGroup([keyed([Op.define("other")], key: "noop", digest: "d2")])[0]
        #expect(throws: LedgerError.self) { try reused.get() }
        #expect(ledger.headSeq == 1)
    }

    @Test("A keyed commit is replayed with its results and seqs, the same after a full rebuild")
    func keyedCommitReplaysItsResults() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        let request = keyed([Op.define("order"), Op.register(Keys.placed), Op.link(Keys.placed, "ada", "o-1")], key: "k", digest: "d")
        let first = try ledger.commitGroup([request])[0].get()
        #expect(first.firstSeq == 1 && first.lastSeq == 3)
        for rebuild in [false, true] {
            if rebuild { try ledger.rebuild(full: true) }
            let retry = try ledger.commitGroup([request])[0].get()
            #expect(retry.replayed && retry.results == first.results && retry.firstSeq == 1 && retry.lastSeq == 3, "rebuilt: \(rebuild)")
        }
    }

    @Test("A keyed line written by an older version is replayed with the answer it stored")
    func formatOneResponseIsReplayedAsStored() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        try Ledger.create(at: directory.path)
        let stored: JSONValue = .object(["status": .int(201), "body": .object(["name": .string("order"), "created": .bool(true)])])
        let line = try CommitCodec.seal(Commit(
            firstSeq: 1, at: time("2026-03-03T12:00:00Z"), actor: "crm", reason: nil, idempotencyKey: "old",
            events: [.objectTypeDefined(ObjectType(name: "order", description: nil))], previousHash: CommitCodec.genesisHash,
            requestDigest: "d-old", legacyResponse: stored))
        #expect(line.line.starts(with: Array(#"{"v":1,"#.utf8)))
        try Files.write(directory.file("log.jsonl"), line.line)
        let ledger = try Ledger.open(at: directory.path, access: .write)
        let retry = try ledger.commitGroup([keyed([Op.define("order")], key: "old", digest: "d-old")])[0].get()
        #expect(retry.replayed && retry.legacyResponse == stored && retry.firstSeq == 1)
        #expect(ledger.headSeq == 1)
    }
}
