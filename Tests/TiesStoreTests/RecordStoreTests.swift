import Foundation
import Testing
import TiesCore
@testable import TiesStore
import TiesTestSupport

/// Records on a real ledger: sealed in the log, opened by their keys,
/// versioned for as-of, looked up by an index, and erased for good
/// (TiesCore.docc/Records.md).
struct RecordStoreTests {
    static let personal = ["ada@example.com", "Ada Lovelace", "ada@new.example", "+44 20 7946 0000"]

    /// person identifiers email (unique) and phone; u1 with email, name,
    /// phone (seq 2), then a new email and no phone (seq 3); u2 (seq 4);
    /// a link to o1 found by email (seq 5–6).
    static func story(_ ledger: Ledger) throws {
        _ = try ledger.commit([Op.define("person", identifiers: [Identifier(field: "email", unique: true), Identifier(field: "phone", unique: false)])],
                              metadata: metadata())
        _ = try ledger.commit([Op.upsert("person:u1", set: ["email": .string(personal[0]), "name": .string(personal[1]), "phone": .string(personal[3])])],
                              metadata: metadata())
        _ = try ledger.commit([Op.upsert("person:u1", set: ["email": .string(personal[2])], unset: ["phone"])], metadata: metadata())
        _ = try ledger.commit([Op.upsert("person:u2", set: ["email": .string("bob@example.com")])], metadata: metadata())
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata())
        _ = try ledger.commit([.link(LinkRequest(type: .key(Keys.placed), from: .match(FieldMatch(field: "email", value: .string(personal[2]))),
                                                 to: .id("o1"), style: .personAndObject), attributes: [:])], metadata: metadata("linker", reason: "by email"))
    }

    /// Every file under `directory` that holds any of `values`, as bytes.
    static func filesHolding(_ values: [String], in directory: String) throws -> [String] {
        try filesHolding(bytes: values.map { Data($0.utf8) }, in: directory)
    }

    static func filesHolding(bytes values: [Data], in directory: String) throws -> [String] {
        let files = try #require(FileManager.default.enumerator(atPath: directory)?.allObjects as? [String])
        return try files.filter { name in
            var isDirectory: ObjCBool = false
            let path = directory + "/" + name
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return false }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            return values.contains { bytes.range(of: $0) != nil }
        }
    }

    @Test func theLogHoldsNoPlainValueAndEveryReadOpensThem() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        try Self.story(ledger)
        let log = try Data(contentsOf: URL(fileURLWithPath: ledger.layout.log))
        for value in Self.personal { #expect(log.range(of: Data(value.utf8)) == nil, "\(value) is in the log") }
        let now = try ledger.record(person("u1"))
        #expect(now.fields == ["email": FieldValue(value: .string(Self.personal[2])), "name": FieldValue(value: .string(Self.personal[1]))])
        #expect(now.since == 3 && now.erasedSeq == nil)
        let before = try ledger.record(person("u1"), asOf: .seq(2))
        #expect(before.fields.mapValues(\.value) == ["email": .string(Self.personal[0]), "name": .string(Self.personal[1]), "phone": .string(Self.personal[3])])
        #expect(before.since == 2)
        for (record, point) in [(person("u2"), AsOf.seq(3)), (person("nobody"), nil)] {
            do {
                _ = try ledger.record(record, asOf: point)
                Issue.record("\(record) answered before it was upserted")
            } catch {
                #expect(error.code == .recordNotFound)
            }
        }
        // History shows the field changes with their values, and how the link found its person.
        let history = try ledger.history(of: person("u1"))
        #expect(history.entries.map(\.seq) == [7, 3, 2])
        guard case .recordUpserted(_, let set, let unset) = history.entries[1].event else { Issue.record("\(history)"); return }
        #expect(set["email"]?.value == .string(Self.personal[2]) && unset == ["phone"])
        guard case .linked(_, _, let matchedBy) = history.entries[0].event else { Issue.record("\(history)"); return }
        #expect(matchedBy == MatchedBy(from: "email"))
    }

    @Test func fieldsSurviveReopenRebuildAndSnapshots() throws {
        let directory = try TemporaryDirectory()
        var ledger: Ledger? = try makeLedger(in: directory.path)
        try Self.story(try #require(ledger))
        let expected = try #require(ledger).record(person("u1"), asOf: .seq(2))
        try #require(ledger).takeSnapshot()
        ledger = nil
        let reopened = try Ledger.open(at: directory.path, access: .write)
        #expect(try reopened.record(person("u1"), asOf: .seq(2)) == expected)
        try reopened.rebuild(full: true)
        #expect(try reopened.record(person("u1"), asOf: .seq(2)) == expected)
        #expect(try reopened.findRecords(ofType: "person", field: "email", value: .string(Self.personal[2])).map(\.record) == [person("u1")])
        try reopened.rebuild(full: false)
        #expect(try reopened.record(person("u1"), asOf: .seq(2)) == expected)
        #expect(try Verifier.verify(directory: directory.path).problems.isEmpty)
    }

    @Test func findGoesByIdentifiersOnlyAndThroughTheIndex() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        try Self.story(ledger)
        #expect(try ledger.findRecords(ofType: "person", field: "email", value: .string("bob@example.com")).map(\.record) == [person("u2")])
        #expect(try ledger.findRecords(ofType: "person", field: "email", value: .string(Self.personal[0])).isEmpty)
        do {
            _ = try ledger.findRecords(ofType: "person", field: "name", value: .string(Self.personal[1]))
            Issue.record("a field that is not an identifier was looked up")
        } catch {
            #expect(error.code == .invalidMatchingField)
        }
        do {
            _ = try ledger.findRecords(ofType: "persn", field: "email", value: .string("x"))
            Issue.record("an unknown type was answered")
        } catch {
            #expect(error.code == .unknownObjectType && error.details["suggestions"] == .array([.string("person")]))
        }
        let plan = try ledger.projection.db.statement("""
            EXPLAIN QUERY PLAN SELECT f.record, r.ref FROM record_fields f JOIN records r ON r.id = f.record
            WHERE f.type = 'person' AND f.field = 'email' AND f.value_key = 1 ORDER BY r.ref
            """)
        var steps: [String] = []
        while try plan.step() { steps.append(plan.string(3)) }
        plan.reset()
        #expect(steps.contains { $0.contains("USING PRIMARY KEY (type=? AND field=? AND value_key=?)") }, "\(steps)")
    }

    @Test func erasureLeavesNoValueInAnyFileOfTheLedger() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        try Self.story(ledger)
        try ledger.takeSnapshot()
        #expect(try !Self.filesHolding(Self.personal, in: directory.path).isEmpty, "the projection holds the values before erasure")
        let receipt = try ledger.commit([.eraseRecord(person("u1"))], metadata: metadata("dpo", reason: "GDPR request"))
        #expect(receipt.firstSeq == 8)
        #expect(try Self.filesHolding(Self.personal, in: directory.path) == [])
        // Every answer shows the values as erased, at every point in time.
        let now = try ledger.record(person("u1"))
        #expect(now.erasedSeq == 8 && now.fields.keys.sorted() == ["email", "name"] && now.fields.values.allSatisfy { $0.value == nil })
        #expect(try ledger.record(person("u1"), asOf: .seq(2)).fields.values.allSatisfy { $0.value == nil })
        for entry in try ledger.history(of: person("u1")).entries {
            if case .recordUpserted(_, let set, _) = entry.event { #expect(set.values.allSatisfy { $0.value == nil }) }
        }
        #expect(try ledger.findRecords(ofType: "person", field: "email", value: .string(Self.personal[2])).isEmpty)
        // Its ID and links stay; the other record is untouched; the chain still verifies.
        #expect(try ledger.relationships(of: person("u1")).links.count == 1)
        #expect(try ledger.record(person("u2")).fields["email"]?.value == .string("bob@example.com"))
        #expect(try Verifier.verify(directory: directory.path).problems.isEmpty)
        // Snapshots, rebuilds and exports taken afterwards hold no value either.
        try ledger.takeSnapshot()
        try ledger.rebuild(full: true)
        #expect(try ledger.record(person("u1"), asOf: .seq(3)).fields.values.allSatisfy { $0.value == nil })
        let export = directory.path + "/export.sqlite"
        _ = try Exporter.exportSQLite(ledger, asOf: nil, to: export)
        var lines: [String] = []
        _ = try Exporter.exportJSONLines(ledger, asOf: .seq(3)) { lines.append($0.encodedString); return true }
        #expect(try Self.filesHolding(Self.personal, in: directory.path) == [])
        #expect(!lines.joined().contains("ada@"))
    }

    /// Enough records, and a second version of each written in a shuffled
    /// order, that SQLite splits and rebuilds pages all over the B-trees,
    /// leaving bytes of old rows in their unused space (which only the
    /// rewrite after an erasure removes): erasing a third of the records
    /// leaves none of their values in any file, and the others are still found.
    @Test func erasingManyRecordsLeavesNoneOfTheirValuesInAnyFile() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("person", identifiers: [Identifier(field: "email", unique: true), Identifier(field: "phone", unique: false)])],
                              metadata: metadata())
        let count = 3_000
        func erased(_ n: Int) -> Bool { n % 3 == 0 }
        func value(_ n: Int, _ what: String) -> JSONValue { .string("\(erased(n) ? "gone" : "kept")-\(what)-\(n)") }
        _ = try ledger.commit((0..<count).map { n in
            Op.upsert("person:p\(n)", set: ["email": value(n, "mail"), "phone": value(n / 10, "phone"), "name": value(n, "name")])
        }, metadata: metadata())
        // A second version of each record, in an order of its own: its rows go
        // in between the first ones, splitting pages all over the B-trees.
        var random = SplitMix64(seed: 7)
        var order = Array(0..<count)
        for index in order.indices.reversed().dropLast() { order.swapAt(index, random.below(index + 1)) }
        _ = try ledger.commit(order.map { n in
            Op.upsert("person:p\(n)", set: ["email": value(n, "newmail"), "name": value(n, "newname")])
        }, metadata: metadata())
        #expect(try !Self.filesHolding(["gone-mail-", "gone-phone-", "gone-name-"], in: directory.path).isEmpty, "the projection holds the values before")
        _ = try ledger.commit((0..<count).filter(erased).map { .eraseRecord(person("p\($0)")) }, metadata: metadata("dpo"))
        let left = try Self.filesHolding(["gone-mail-", "gone-name-", "gone-newmail-", "gone-newname-"], in: directory.path)
        #expect(left == [], "\(left)")
        for n in [1, 2, count - 1] {
            #expect(try ledger.findRecords(ofType: "person", field: "email", value: value(n, "newmail")).map(\.record) == [person("p\(n)")])
        }
        #expect(try ledger.findRecords(ofType: "person", field: "email", value: value(1, "mail")).isEmpty)
        #expect(try ledger.findRecords(ofType: "person", field: "email", value: value(3, "newmail")).isEmpty)
        // A phone is shared by ten people; those of the erased ones no longer hold it.
        #expect(try ledger.findRecords(ofType: "person", field: "phone", value: value(1, "phone")).map(\.record)
                == [10, 11, 13, 14, 16, 17, 19].map { person("p\($0)") })
    }

    @Test func aCopyWithoutItsKeyStoreCannotReadFieldValues() throws {
        let directory = try TemporaryDirectory()
        let copy = try TemporaryDirectory()
        var ledger: Ledger? = try makeLedger(in: directory.path)
        try Self.story(try #require(ledger))
        ledger = nil
        try FileManager.default.copyItem(atPath: directory.path + "/log.jsonl", toPath: copy.path + "/log.jsonl")
        let reader = try Ledger.open(at: copy.path, access: .write)
        #expect(try reader.record(person("u1")).fields.values.allSatisfy { $0.value == nil })
        #expect(try reader.relationships(of: person("u1")).links.count == 1)
    }
}

extension RecordStoreTests {
    /// A crash after `record.erased` is in the log but before the snapshots
    /// taken earlier are removed: the next writer open removes them.
    @Test func theWriterRemovesSnapshotsOlderThanAnErasureWhenItOpens() throws {
        let directory = try TemporaryDirectory()
        var ledger: Ledger? = try makeLedger(in: directory.path)
        try Self.story(try #require(ledger))
        try #require(ledger).takeSnapshot()
        let snapshots = directory.path + "/snapshots"
        let kept = directory.path + "/kept-snapshot"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: snapshots).first)
        try FileManager.default.copyItem(atPath: snapshots + "/" + name, toPath: kept)
        _ = try #require(ledger).commit([.eraseRecord(person("u1"))], metadata: metadata())
        ledger = nil
        // As if the process had died before removing it.
        try FileManager.default.moveItem(atPath: kept, toPath: snapshots + "/" + name)
        #expect(try Self.filesHolding(Self.personal, in: directory.path) == ["snapshots/" + name])
        _ = try Ledger.open(at: directory.path, access: .write)
        #expect(try Self.filesHolding(Self.personal, in: directory.path) == [])
    }
}

extension RecordStoreTests {
    /// The rewrite after an erasure is done once: a writer open after it
    /// leaves the file as it is, and one after a crash that came before
    /// it (no `rewritten_after_erasure` yet) rewrites it. A rewrite is seen
    /// by its empty freelist.
    @Test func theProjectionIsRewrittenOncePerErasureAndAfterACrashBeforeIt() throws {
        let directory = try TemporaryDirectory()
        func freePages(of ledger: Ledger) throws -> Int64 {
            let statement = try ledger.projection.db.statement("PRAGMA freelist_count")
            defer { statement.reset() }
            _ = try statement.step()
            return statement.int(0)
        }
        func leaveFreePages(_ ledger: Ledger) throws {
            try ledger.projection.db.execute("CREATE TABLE scratch AS SELECT zeroblob(100000) AS filler")
            try ledger.projection.db.execute("DROP TABLE scratch")
        }
        do {
            let ledger = try makeLedger(in: directory.path)
            try Self.story(ledger)
            let erased = try ledger.commit([.eraseRecord(person("u1"))], metadata: metadata())
            #expect(try ledger.projection.meta(MetaKey.rewrittenAfterErasure) == erased.lastSeq.map(String.init))
            try leaveFreePages(ledger)
            #expect(try freePages(of: ledger) > 0)
        }
        do {
            let ledger = try Ledger.open(at: directory.path, access: .write)
            #expect(try freePages(of: ledger) > 0, "a second rewrite for the same erasure")
            // As if the process had died between the erasure and its rewrite.
            try ledger.projection.db.execute("DELETE FROM meta WHERE key = '\(MetaKey.rewrittenAfterErasure)'")
        }
        let reopened = try Ledger.open(at: directory.path, access: .write)
        #expect(try freePages(of: reopened) == 0)
        #expect(try reopened.projection.meta(MetaKey.rewrittenAfterErasure) == "8")
    }

    @Test func exportsHoldRecordsAsOfTheirPoint() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        try Self.story(ledger)
        var rows: [JSONValue] = []
        _ = try Exporter.exportJSONLines(ledger, asOf: .seq(2)) { rows.append($0); return true }
        let records = rows.filter { $0.objectValue?["type"] == .string("record") }
        #expect(records == [.object(["type": .string("record"), "record": .string("person:u1"), "since": .int(2), "fields": .object([
            "email": .string(Self.personal[0]), "name": .string(Self.personal[1]), "phone": .string(Self.personal[3])])])])
        _ = try ledger.commit([.eraseRecord(person("u1"))], metadata: metadata())
        let file = directory.path + "/export.sqlite"
        _ = try Exporter.exportSQLite(ledger, asOf: nil, to: file)
        let export = try SQLiteConnection(path: file, readOnly: true)
        let statement = try export.statement("SELECT record, type, id, fields, erased FROM records ORDER BY record")
        var exported: [String] = []
        while try statement.step() {
            exported.append((0..<5).map { statement.isInteger($0) ? String(statement.int($0)) : statement.string($0) }.joined(separator: " | "))
        }
        statement.reset()
        #expect(exported == [#"person:u1 | person | u1 | {"email":{"erased":true},"name":{"erased":true}} | 1"#,
                             #"person:u2 | person | u2 | {"email":"bob@example.com"} | 0"#])
        let types = try export.statement("SELECT identifiers FROM object_types WHERE name = 'person'")
        #expect(try types.step() && types.string(0).contains(#""field":"email""#))
        types.reset()
    }
}

extension RecordStoreTests {
    static func storedKey(_ directory: String, _ record: RecordRef) throws -> [UInt8]? {
        let keys = try SQLiteConnection(path: directory + "/record-keys.sqlite", readOnly: true)
        defer { keys.close() }
        let statement = try keys.statement("SELECT key FROM record_keys WHERE record = ?1")
        defer { statement.reset() }
        statement.bind(1, record.description)
        return try statement.step() ? statement.bytes(0) : nil
    }

    @Test func erasureLeavesATombstoneAndTheWriterRestoresItAfterACrash() throws {
        let directory = try TemporaryDirectory()
        var ledger: Ledger? = try makeLedger(in: directory.path)
        try Self.story(try #require(ledger))
        let key = try #require(try Self.storedKey(directory.path, person("u1")))
        #expect(key.count == FieldCipher.keyByteCount)
        _ = try #require(ledger).commit([.eraseRecord(person("u1"))], metadata: metadata())
        #expect(try Self.storedKey(directory.path, person("u1")) == [])
        // With the writer still open, no file (the key store's WAL included) holds the key.
        #expect(try Self.filesHolding(bytes: [Data(key)], in: directory.path) == [])
        ledger = nil
        // As if the tombstone had been lost: the key is back in the store.
        let keys = try SQLiteConnection(path: directory.path + "/record-keys.sqlite")
        try keys.statement("UPDATE record_keys SET key = ?2 WHERE record = ?1").bind(1, "person:u1").bind(2, bytes: key[...]).run()
        keys.close()
        _ = try Ledger.open(at: directory.path, access: .write)
        #expect(try Self.storedKey(directory.path, person("u1")) == [])
    }

    @Test func anErasedKeyAlreadyCheckpointedIntoTheKeyStoresFileIsOverwrittenThere() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        try Self.story(ledger)
        let key = try #require(try Self.storedKey(directory.path, person("u1")))
        ledger.close()
        // Closing checkpointed the key store's WAL into its file and removed it.
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/record-keys.sqlite-wal"))
        #expect(try Self.filesHolding(bytes: [Data(key)], in: directory.path) == ["record-keys.sqlite"])
        let reopened = try Ledger.open(at: directory.path, access: .write)
        _ = try reopened.commit([.eraseRecord(person("u1"))], metadata: metadata())
        #expect(try Self.filesHolding(bytes: [Data(key)], in: directory.path) == [])
        #expect(try reopened.record(person("u1")).fields.values.allSatisfy { $0.value == nil })
    }

    @Test func aKeyStoreThatDoesNotBelongToTheLogIsDamageOrAWarningNeverAWrongAnswer() throws {
        let directory = try TemporaryDirectory()
        var ledger: Ledger? = try makeLedger(in: directory.path)
        try Self.story(try #require(ledger))
        ledger = nil
        // Another key for u1: its sealed values no longer open.
        let keys = try SQLiteConnection(path: directory.path + "/record-keys.sqlite")
        try keys.statement("UPDATE record_keys SET key = ?2 WHERE record = ?1").bind(1, "person:u1")
            .bind(2, bytes: [UInt8](repeating: 7, count: FieldCipher.keyByteCount)[...]).run()
        // And no key at all for u2.
        try keys.statement("DELETE FROM record_keys WHERE record = ?1").bind(1, "person:u2").run()
        keys.close()
        let warnings = WarningLog()
        let reopened = try Ledger.open(at: directory.path, access: .write, warn: warnings.sink)
        do {
            try reopened.rebuild(full: true)
            Issue.record("a key that does not open its values was taken for erasure")
        } catch {
            #expect(error.code == .ledgerDamaged && error.message.contains("person:u1"), "\(error)")
        }
        reopened.close()
        let keysAgain = try SQLiteConnection(path: directory.path + "/record-keys.sqlite")
        try keysAgain.statement("DELETE FROM record_keys WHERE record = ?1").bind(1, "person:u1").run()
        keysAgain.close()
        let last = try Ledger.open(at: directory.path, access: .write, warn: warnings.sink)
        try last.rebuild(full: true)
        #expect(warnings.messages.contains { $0.contains("record-keys.sqlite holds no key for person:u1") }, "\(warnings.messages)")
        #expect(try last.record(person("u2")).fields["email"]?.value == nil)
    }
}

extension RecordStoreTests {
    /// Only identifiers are indexed; a field that becomes one finds the
    /// records that already hold values, in the very commit that makes it one.
    @Test func aFieldThatBecomesAnIdentifierFindsWhatWasThere() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        try Self.story(ledger)
        _ = try ledger.commit([Op.upsert("person:u2", set: ["nick": .string("bobby")])], metadata: metadata())
        _ = try ledger.commit([Op.define("person", identifiers: [Identifier(field: "nick", unique: true)]),
                               .link(LinkRequest(type: .key(Keys.placed), from: .match(FieldMatch(field: "nick", value: .string("bobby"))),
                                                 to: .id("o2"), style: .personAndObject), attributes: [:])], metadata: metadata())
        #expect(try ledger.relationships(of: person("u2")).links.map(\.to) == [record("order", "o2")])
        #expect(try ledger.findRecords(ofType: "person", field: "nick", value: .string("bobby")).map(\.record) == [person("u2")])
        try ledger.rebuild(full: true)
        #expect(try ledger.findRecords(ofType: "person", field: "nick", value: .string("bobby")).map(\.record) == [person("u2")])
        do {
            _ = try ledger.commit([Op.upsert("person:u1", set: ["nick": .string("bobby")])], metadata: metadata())
            Issue.record("a unique value took a second holder")
        } catch {
            #expect(error.code == .duplicateIdentifier && error.details["holder"] == .string("person:u2"))
        }
    }

    /// Making a field a unique identifier finds the records that share a
    /// value, whether the field was a field like any other (the type's
    /// records are scanned) or already a non-unique identifier (its index
    /// is grouped); values held once, and a value that cannot be read, do
    /// not count.
    @Test func makingAFieldUniqueFindsSharedValuesWhereverTheyAre() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        try Self.story(ledger)
        for (id, nick, phone) in [("u3", "kit", "1"), ("u4", "kit", "1"), ("u5", "solo", "2"), ("u6", "solo-too", "3")] {
            _ = try ledger.commit([Op.upsert("person:\(id)", set: ["nick": .string(nick), "phone": .string(phone)])], metadata: metadata())
        }
        _ = try ledger.commit([Op.upsert("person:u7", set: ["nick": .string("kit"), "phone": .string("1")])], metadata: metadata())
        _ = try ledger.commit([.eraseRecord(person("u7"))], metadata: metadata())
        for field in ["nick", "phone"] {
            do {
                _ = try ledger.commit([Op.define("person", identifiers: [Identifier(field: field, unique: true)])], metadata: metadata())
                Issue.record("\(field) became unique with a shared value")
            } catch {
                #expect(error.code == .duplicateIdentifier, "\(field)")
                #expect(error.details["records"] == .array([.string("person:u3"), .string("person:u4")]), "\(field)")
            }
        }
        _ = try ledger.commit([Op.upsert("person:u4", set: ["nick": .string("kat"), "phone": .string("4")])], metadata: metadata())
        _ = try ledger.commit([Op.define("person", identifiers: [Identifier(field: "nick", unique: true), Identifier(field: "phone", unique: true)])],
                              metadata: metadata())
        #expect(try ledger.findRecords(ofType: "person", field: "nick", value: .string("kit")).map(\.record) == [person("u3")])
        #expect(try ledger.findRecords(ofType: "person", field: "phone", value: .string("4")).map(\.record) == [person("u4")])
    }

    /// Values are the same only byte for byte, scanned or indexed: "é" as
    /// one scalar and as "e" + U+0301 are two values.
    @Test func valuesAreComparedByteForByteWhenScanned() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        try Self.story(ledger)
        _ = try ledger.commit([Op.upsert("person:u3", set: ["nick": .string("\u{E9}")]), Op.upsert("person:u4", set: ["nick": .string("e\u{301}")])],
                              metadata: metadata())
        _ = try ledger.commit([Op.define("person", identifiers: [Identifier(field: "nick", unique: true)]),
                               .link(LinkRequest(type: .key(Keys.placed), from: .match(FieldMatch(field: "nick", value: .string("e\u{301}"))),
                                                 to: .id("o4"), style: .personAndObject), attributes: [:])], metadata: metadata())
        #expect(try ledger.relationships(of: person("u4")).links.map(\.to) == [record("order", "o4")])
        #expect(try ledger.relationships(of: person("u3")).links.isEmpty)
        #expect(try ledger.findRecords(ofType: "person", field: "nick", value: .string("\u{E9}")).map(\.record) == [person("u3")])
    }

    /// Lookups answer in `TYPE:ID` order whether SQLite sorts them (more
    /// holders than asked for) or the projection does (no more): records
    /// upserted out of that order, on both sides of the bound.
    @Test(arguments: [1, 3, Limits.matchCandidatesMax, Limits.matchCandidatesMax + 1, Limits.matchCandidatesMax + 4])
    func lookupsAnswerInRecordOrderOnBothSidesOfTheirLimit(holderCount: Int) throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("person", identifiers: [Identifier(field: "city", unique: false)])], metadata: metadata())
        let ids = (0..<holderCount).map { "u\((($0 * 7) % holderCount))-\($0)" }
        for id in ids { _ = try ledger.commit([Op.upsert("person:\(id)", set: ["city": .string("Oslo")])], metadata: metadata()) }
        let expected = ids.map { person($0) }.sorted().prefix(Limits.matchCandidatesMax + 1)
        #expect(try ledger.findRecords(ofType: "person", field: "city", value: .string("Oslo")).map(\.record) == Array(expected))
    }

    /// A version row holds the record's whole set of fields: many fields,
    /// new and then some changed and one unset, read back whole now and as
    /// of the first upsert, before and after a rebuild.
    @Test func upsertsOfManyFieldsReadBackWhole() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        let first = Dictionary(uniqueKeysWithValues: (0..<19).map { ("f\($0)", JSONValue.int(Int64($0))) })
        let second = Dictionary(uniqueKeysWithValues: (5..<17).map { ("f\($0)", JSONValue.string("v\($0)")) })
        _ = try ledger.commit([Op.upsert("person:many", set: first)], metadata: metadata())
        _ = try ledger.commit([Op.upsert("person:many", set: second, unset: ["f0"])], metadata: metadata())
        var now = first.merging(second) { $1 }
        now["f0"] = nil
        for pass in ["written", "rebuilt"] {
            #expect(try ledger.record(person("many")).fields.compactMapValues(\.value) == now, "\(pass)")
            #expect(try ledger.record(person("many"), asOf: .seq(1)).fields.compactMapValues(\.value) == first, "\(pass)")
            try ledger.rebuild(full: true)
        }
    }

    /// Enough upserts in one request for their sealing to be spread over
    /// threads (FieldSealing): each value must come back under its own
    /// record and field, from the log (a full rebuild opens every value).
    @Test func manyUpsertsInOneRequestAreEachSealedForTheirOwnRecord() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.upsert("person:p-old", set: ["email": .string("old@example.com")])], metadata: metadata())
        // An existing record's key, new records' keys, and one record twice in the request.
        let upserts = ["p-old"] + (0..<150).map { "p-\($0)" } + ["p-7"]
        let fieldsOf = { (index: Int, id: String) -> Attributes in
            ["email": .string("\(id)@example.com"), "n": .int(Int64(index)), "city": .string("city-\(index % 7)")]
        }
        let receipt = try ledger.commit(upserts.enumerated().map { Op.upsert("person:\($1)", set: fieldsOf($0, $1)) }, metadata: metadata())
        let firstSeq = try #require(receipt.firstSeq)
        for pass in ["written", "rebuilt"] {
            for (index, id) in upserts.enumerated() where !(id == "p-7" && index < upserts.count - 1) {
                let record = try ledger.record(person(id))
                #expect(record.fields.compactMapValues(\.value) == fieldsOf(index, id), "\(id), \(pass)")
                #expect(record.since == firstSeq + Int64(index), "\(id)'s upsert is not where the request put it (\(pass))")
            }
            // p-7's first upsert (inside the commit, so not an as-of point), opened from the log by its history.
            let firstUpsert = try ledger.history(of: person("p-7")).entries.first { $0.seq == firstSeq + 8 }?.event
            guard case .recordUpserted(_, let set, _)? = firstUpsert else {
                Issue.record("p-7's first upsert is not in its history (\(pass))")
                continue
            }
            #expect(set.compactMapValues(\.value) == fieldsOf(8, "p-7"), "\(pass)")
            try ledger.rebuild(full: true)
        }
    }
}
