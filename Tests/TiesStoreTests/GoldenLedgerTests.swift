import Foundation
import Testing
import TiesCore
@testable import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport
import TiesPresentation

/// The golden ledger in `Snapshots/ledger-format-1/` pins the on-disk formats:
/// its log, one snapshot, and the answers this version gave. Every future
/// version must open it and give the same answers, and today's code must
/// still write its log byte for byte. Never edit it: a new format gets a new
/// golden ledger beside it, recorded on purpose with
/// `TIES_RECORD_GOLDEN=1 swift test --filter GoldenLedger` (which writes only
/// files that are missing, and fails the run so that a recording is never
/// mistaken for a pass).
@Suite("golden ledger")
struct GoldenLedgerTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Snapshots/ledger-format-1").standardized.path

    /// The golden files, which are only ever added to.
    static func goldenFiles() -> GoldenFiles {
        GoldenFiles(directory: directory, rewritesExisting: false)
    }

    /// Questions asked of the golden ledger, each named for its answer file.
    static func questions(_ ledger: Ledger) throws -> [(String, JSONValue)] {
        var answers: [(String, JSONValue)] = []
        let records = [person("ada"), person("grace"), person("eu:17/ü"), record("order", "o-1"), record("order", "o-2"),
                       record("line_item", "li 1"), record("household", "h-1")]
        // "100" was asked when a seq beyond the head meant the head; it is
        // now invalid_as_of, so the question asks for the head it answered.
        for asked: Int64 in [0, 5, 9, 12, 16, 100] {
            for record in records {
                answers.append(("show-\(asked)-\(record)", try ledger.relationships(of: record, asOf: .seq(min(asked, ledger.headSeq))).jsonValue))
            }
        }
        answers.append(("show-at-12:00:08.999-person:ada", try ledger.relationships(of: person("ada"), asOf: .time(time("2026-03-03T12:00:08.999Z"))).jsonValue))
        for record in records {
            answers.append(("history-\(record)", try ledger.history(of: record, limit: 100).jsonValue))
        }
        let firstPage = try ledger.history(of: person("ada"), limit: 2)
        answers.append(("history-page-2-person:ada", try ledger.history(of: person("ada"), limit: 2, after: firstPage.next).jsonValue))
        answers.append(("types", ledger.catalog.jsonValue))
        answers.append(("events", .array(try ledger.events(after: 0, limit: 1000).map(\.jsonValue))))
        for asked: Int64 in [9, 100] {
            var rows: [JSONValue] = []
            _ = try Exporter.exportJSONLines(ledger, asOf: .seq(min(asked, ledger.headSeq))) { rows.append($0); return true }
            answers.append(("export-\(asked)", .array(rows)))
        }
        answers.append(("head", .object(["seq": .int(ledger.headSeq), "hash": .string(ledger.headHash)])))
        let roles = Dictionary(uniqueKeysWithValues: ledger.catalog.relationshipTypes.map { ($0.id, JSONValue.string($0.key.role)) })
        return answers.map { ($0.0, withoutLaterMembers($0.1, roles: roles)) }
    }

    /// An answer without the members answers gained after this ledger was
    /// recorded, which its golden answers predate. Each is left out only
    /// with the one value this ledger can give it, so a wrong value still
    /// fails: its commits have no principal (`principal` null), it has no
    /// inverse roles (`inverseRole` null, and every
    /// `label` is the role of its link's type), and each record's links fit
    /// one page (`next` null beside `relationships`).
    static func withoutLaterMembers(_ answer: JSONValue, roles: [String: JSONValue]) -> JSONValue {
        switch answer {
        case .object(var members):
            if members["inverseRole"] == .null { members["inverseRole"] = nil }
            // Its commits were written before Ties kept a principal.
            if members["principal"] == .null { members["principal"] = nil }
            if members["relationships"] != nil, members["next"] == .null { members["next"] = nil }
            let typeId = (members["relationshipTypeId"] ?? members["event"]?.objectValue?["relationshipTypeId"])?.stringValue
            if let label = members["label"], label == typeId.flatMap({ roles[$0] }) { members["label"] = nil }
            return .object(members.mapValues { withoutLaterMembers($0, roles: roles) })
        case .array(let items):
            return .array(items.map { withoutLaterMembers($0, roles: roles) })
        default:
            return answer
        }
    }

    static func fileName(_ question: String) -> String {
        "expected/" + question.map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : "_" }.joined() + ".json"
    }

    /// Opens a copy of the golden ledger (its log and snapshot only), with or
    /// without the snapshot, and compares every answer.
    @Test("today's code answers every golden question as the version that wrote it did", arguments: [true, false])
    func answersMatch(withSnapshot: Bool) throws {
        try #require(FileManager.default.fileExists(atPath: Self.directory + "/log.jsonl"), "no golden ledger at \(Self.directory)")
        let copy = try TemporaryDirectory("ties-golden-")
        defer { copy.cleanUp() }
        try FileManager.default.copyItem(atPath: Self.directory + "/log.jsonl", toPath: copy.file("log.jsonl"))
        if withSnapshot {
            try FileManager.default.copyItem(atPath: Self.directory + "/snapshots", toPath: copy.file("snapshots"))
        }
        let warnings = WarningLog()
        let ledger = try Ledger.open(at: copy.path, access: .write, warn: warnings.sink)
        // The golden snapshot was written with projection schema 2. It is
        // derived data: today's code reads it, says it was written by another
        // version and does not use it, and replays the log instead.
        let notices = withSnapshot ? ["snapshot-000000000011.sqlite skipped: it was written by another version of Ties (projection schema 2"] : []
        let warned = warnings.messagesBesidesMissingProjection
        #expect(warned.count == notices.count && zip(warned, notices).allSatisfy { $0.contains($1) }, "\(warnings.messages)")
        var golden = Self.goldenFiles()
        for (question, answer) in try Self.questions(ledger) {
            golden.check(Self.fileName(question), json: answer)
        }
        golden.expectPassed()
        if withSnapshot {
            let snapshots = try ledger.snapshots()
            #expect(snapshots.count == 1 && snapshots.allSatisfy { $0.otherSchemaVersion == 2 }, "\(snapshots)")
        }
        let report = try Verifier.verify(directory: copy.path)
        #expect(report.isIntact, "\(report.problems)")
        // Today's snapshot of the golden ledger restores to the same answers.
        try ledger.takeSnapshot()
        ledger.close()
        try Files.removeProjection(in: copy.path)
        let restored = try Ledger.open(at: copy.path, access: .write)
        for (question, answer) in try Self.questions(restored) {
            golden.check(Self.fileName(question), json: answer)
        }
        golden.expectPassed()
    }

    /// Writes the golden story into a new ledger (in the golden directory
    /// itself when recording one that does not exist yet) and checks the
    /// log it writes and the answers it gives against the golden files.
    @Test("today's code writes the golden story's log byte for byte, and re-recording it never passes")
    func storyWritesTheGoldenLog() throws {
        var golden = Self.goldenFiles()
        let recordingNew = golden.isRecording && !FileManager.default.fileExists(atPath: Self.directory + "/log.jsonl")
        let scratch = try TemporaryDirectory("ties-golden-story-")
        defer { scratch.cleanUp() }
        let target = recordingNew ? Self.directory : scratch.file("ledger")
        try Ledger.create(at: target)
        let ledger = try Ledger.open(at: target, access: .write)
        try GoldenStory.write(into: ledger)
        golden.check("log.jsonl", text: String(decoding: try Files.read(target + "/log.jsonl"), as: UTF8.self))
        for (question, answer) in try Self.questions(ledger) {
            golden.check(Self.fileName(question), json: answer)
        }
        golden.expectPassed()
        if recordingNew {
            // The ledger is the golden one: keep its log and snapshot, not the derived files.
            ledger.close()
            for file in ["projection.sqlite", "projection.sqlite-wal", "projection.sqlite-shm", "lock"] {
                try TiesSystem.Files.removeTree(target + "/" + file)
            }
        }
    }
}

/// What the golden ledger holds: every event kind, both link kinds, every
/// cardinality, a bidirectional type changed later, a multi-event commit,
/// unusual IDs and attribute values, a reason, and a snapshot in the middle.
enum GoldenStory {
    static func write(into ledger: Ledger) throws {
        var second = 0
        func at() -> Timestamp {
            second += 1
            return time(String(format: "2026-03-03T12:00:%02d.000Z", second))
        }
        func commit(_ operations: [Operation], _ actor: String = "importer", reason: String? = nil) throws {
            _ = try ledger.commit(operations, metadata: metadata(actor, reason: reason), now: at())
        }
        let placed = RelationshipTypeKey.personToCo(role: "placed", objectType: "order")
        let member = RelationshipTypeKey.personToCo(role: "member", objectType: "household")
        let contains = RelationshipTypeKey.coToCo(role: "contains", parent: "order", child: "line_item")
        try commit([Op.define("order", description: "A purchase"), Op.define("line_item"), Op.define("household")])
        try commit([Op.register(placed, cardinality: .oneToMany, description: "who placed the order")])
        try commit([Op.register(member, cardinality: .manyToMany, bidirectional: true)])
        try commit([Op.register(contains, cardinality: .oneToMany)])
        try commit([Op.link(placed, "ada", "o-1", ["channel": .string("web"), "total": .double(12.5), "gift": .bool(false)])], "shop")
        try commit([Op.link(contains, "o-1", "li 1", ["qty": .int(2), "note": .null])], "shop")
        try commit([Op.setAttributes(placed, "ada", "o-1", set: ["status": .string("shipped ✓")], unset: ["gift"])], "warehouse")
        try commit([Op.link(member, "ada", "h-1"), Op.link(member, "eu:17/ü", "h-1", ["role": .string("child")])], "crm")
        try ledger.takeSnapshot(now: time("2026-03-03T12:00:09.500Z"))
        try commit([Op.unlink(placed, "ada", "o-1")], "support", reason: "ticket 4711: placed for Grace")
        try commit([Op.link(placed, "grace", "o-1", ["channel": .string("phone")])], "support", reason: "ticket 4711")
        try commit([Op.register(member, bidirectional: false)], "admin")
        try commit([Op.link(placed, "ada", "o-2")], "shop")
        try commit([Op.define("order", description: "A purchase, paid or not")], "admin")
        try commit([Op.unlink(member, "ada", "h-1"), Op.link(member, "ada", "h-1", ["since": .int(2026)])], "crm", reason: "moved in again")
    }
}
