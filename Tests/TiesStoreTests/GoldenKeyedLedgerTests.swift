import Foundation
import Testing
import TiesCore
@testable import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

/// The golden ledgers of keyed commits: `Snapshots/ledger-keyed-results/`
/// (format-1 lines that keep each operation's `results`) and
/// `Snapshots/ledger-keyed-receipts/` (keyed requests that changed nothing,
/// kept as format-2 receipt lines with no events, one before the first
/// commit). Today's code must write each log byte for byte and replay every
/// key from it as the version that wrote it did, with or without the
/// projection. Like the first golden ledger, each is only ever added to
/// (`TIES_RECORD_GOLDEN=1`, which fails the run on purpose).
@Suite("golden ledgers of keyed commits")
struct GoldenKeyedLedgerTests {
    typealias Request = (key: String, operations: [Operation], reason: String?)

    /// One golden ledger: its directory, the keyed requests that wrote it, its head seq.
    struct Story: Sendable, CustomTestStringConvertible {
        let name: String
        let requests: [Request]
        let headSeq: Int64

        var directory: String {
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Snapshots/\(name)").standardized.path
        }

        var testDescription: String { name }

        func request(_ index: Int) -> CommitRequest {
            let (key, operations, reason) = requests[index]
            return CommitRequest(operations: operations, metadata: CommitMetadata(actor: "crm-sync", reason: reason, idempotencyKey: key),
                                 requestDigest: "digest-of-\(key)")
        }
    }

    static let stories = [
        Story(name: "ledger-keyed-results", requests: [
            ("k-batch", [Op.define("order"), Op.register(Keys.placed, cardinality: .oneToMany), Op.link(Keys.placed, "ada", "o-1", ["channel": .string("web")])], nil),
            ("k-attributes", [Op.setAttributes(Keys.placed, "ada", "o-1", set: ["status": .string("paid")], unset: ["channel"])], "payment 17"),
            ("k-unlink", [Op.unlink(Keys.placed, "ada", "o-1")], "cancelled"),
        ], headSeq: 5),
        Story(name: "ledger-keyed-receipts", requests: [
            ("k-person-again", [Op.define("person")], "nothing new: a receipt before any commit"),
            ("k-batch", [Op.define("order"), Op.register(Keys.placed, cardinality: .oneToMany), Op.link(Keys.placed, "ada", "o-1", ["channel": .string("web")])], nil),
            ("k-relink", [Op.link(Keys.placed, "ada", "o-1", ["channel": .string("web")])], "the same link again"),
            ("k-unlink", [Op.unlink(Keys.placed, "ada", "o-1")], "cancelled"),
            ("k-register-again", [Op.register(Keys.placed, cardinality: .oneToMany)], nil),
        ], headSeq: 4),
    ]

    /// What a retry of each key answers: the results as the log keeps them, and the seqs.
    static func replays(_ story: Story, _ ledger: Ledger) throws -> JSONValue {
        var answers: [JSONValue] = []
        for index in story.requests.indices {
            let receipt = try ledger.commitGroup([story.request(index)], now: time("2026-03-04T00:00:00Z"))[0].get()
            var writer = JSONWriter()
            OperationResultCoding.write(receipt.results, to: &writer)
            answers.append(.object([
                "key": .string(story.requests[index].key), "replayed": .bool(receipt.replayed),
                "firstSeq": receipt.firstSeq.map(JSONValue.int) ?? .null, "lastSeq": receipt.lastSeq.map(JSONValue.int) ?? .null,
                "results": try JSONParser.parse(writer.bytes),
            ]))
        }
        return .array(answers)
    }

    @Test("today's code writes the keyed story byte for byte and replays every key from it, with or without the projection", arguments: stories)
    func storyAndReplays(story: Story) throws {
        var golden = GoldenFiles(directory: story.directory, rewritesExisting: false)
        let recordingNew = golden.isRecording && !FileManager.default.fileExists(atPath: story.directory + "/log.jsonl")
        let scratch = try TemporaryDirectory("ties-golden-keyed-")
        defer { scratch.cleanUp() }
        let target = recordingNew ? story.directory : scratch.file("ledger")
        try Ledger.create(at: target)
        do {
            let ledger = try Ledger.open(at: target, access: .write)
            for index in story.requests.indices {
                _ = try ledger.commitGroup([story.request(index)], now: time(String(format: "2026-03-03T12:00:%02d.000Z", index + 1)))[0].get()
            }
            golden.check("log.jsonl", text: String(decoding: try Files.read(target + "/log.jsonl"), as: UTF8.self))
            ledger.close()
        }
        if recordingNew {
            for file in ["projection.sqlite", "projection.sqlite-wal", "projection.sqlite-shm", "lock"] { try TiesSystem.Files.removeTree(target + "/" + file) }
        }
        for withProjection in [false, true] {
            let copy = try TemporaryDirectory("ties-golden-keyed-copy-")
            defer { copy.cleanUp() }
            try FileManager.default.copyItem(atPath: story.directory + "/log.jsonl", toPath: copy.file("log.jsonl"))
            if withProjection { try Ledger.open(at: copy.path, access: .write).close() }
            let ledger = try Ledger.open(at: copy.path, access: .write)
            golden.check("expected/replays.json", json: try Self.replays(story, ledger))
            #expect(ledger.headSeq == story.headSeq)
            #expect(try Verifier.verify(directory: copy.path).isIntact)
        }
        golden.expectPassed()
    }
}
