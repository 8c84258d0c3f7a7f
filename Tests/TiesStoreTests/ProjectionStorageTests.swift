import Testing
import TiesCore
@testable import TiesStore
import TiesTestSupport

/// Projection schema 3: event bodies read back from the log, transactions
/// spanning many log commits, and the projection built from the whole log
/// in a file of its own.
@Suite("projection storage")
struct ProjectionStorageTests {
    /// A new ledger, open, with `order` and the `placed` type (seqs 1–2).
    static func placedLedger() throws -> (TemporaryDirectory, Ledger, WarningLog) {
        let directory = try TemporaryDirectory()
        let warnings = WarningLog()
        let ledger = try makeLedger(in: directory.path, warn: warnings.sink)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata())
        return (directory, ledger, warnings)
    }

    /// A ledger with a setup commit (seqs 1–2) and two commits of one link each, closed.
    static func twoCommits() throws -> (TemporaryDirectory, [ScannedCommit]) {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata())
        _ = try ledger.commit([Op.link(Keys.placed, "ada", "o1", ["note": .string("first")])], metadata: metadata("alice"))
        _ = try ledger.commit([Op.link(Keys.placed, "ada", "o2")], metadata: metadata("bob"))
        let commits = try readWholeLog(ledger)
        ledger.close()
        return (directory, commits)
    }

    @Test("a byte changed inside an event in the log makes history ledger_damaged, naming the seq, never a wrong answer")
    func changedEventBytesAreDamage() throws {
        let (directory, commits) = try Self.twoCommits()
        defer { directory.cleanUp() }
        // The middle commit's event: opening checks only the last commit, so
        // this damage is found by the read that uses the bytes.
        let linked = commits[1]
        let line = linked.sealed.line
        let eventStart = try #require(CommitCodec.eventRanges(of: linked.commit, in: Array(line))?.first)
        let noteAt = try #require(Array(line[eventStart]).firstRange(of: Array("first".utf8))).lowerBound + eventStart.lowerBound
        var log = try Files.read(directory.file("log.jsonl"))
        log[Int(linked.offset) + noteAt] = UInt8(ascii: "F")
        try Files.write(directory.file("log.jsonl"), log)

        let ledger = try Ledger.open(at: directory.path, access: .read)
        let error = expectLedgerError(.ledgerDamaged) { try ledger.history(of: person("ada")) }
        #expect(error?.details["seq"] == .int(linked.commit.firstSeq), "\(String(describing: error))")
        expectLedgerError(.ledgerDamaged) { try ledger.events(after: 0, limit: 10) }
        // Current state does not need the event's bytes and still answers.
        #expect(try ledger.relationships(of: person("ada")).links.count == 2)
    }

    @Test("history reads each event's bytes from the log, events close together in one read, in the order asked")
    func historyFromTheLog() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata())
        // One commit of many events, then one event per commit.
        _ = try ledger.commit((0..<40).map { Op.link(Keys.placed, "ada", "o\($0)") }, metadata: metadata("bulk"))
        for index in 0..<10 { _ = try ledger.commit([Op.unlink(Keys.placed, "ada", "o\(index)")], metadata: metadata("one")) }
        let page = try ledger.history(of: person("ada"), limit: 50)
        #expect(page.entries.map(\.seq) == Array((3...52).reversed()).map(Int64.init))
        #expect(page.entries.prefix(10).allSatisfy { $0.actor == "one" && $0.event.isUnlink })
        #expect(page.entries.dropFirst(10).allSatisfy { $0.actor == "bulk" })
        let feed = try ledger.events(after: 0, limit: 1000)
        #expect(feed.map(\.seq) == Array(1...52).map(Int64.init))
        let fromLog = try readWholeLog(ledger).flatMap(\.commit.events)
        #expect(feed.map(\.event) == fromLog)
    }

    @Test("a line not in the canonical encoding keeps its events in the projection and still answers")
    func nonCanonicalLineKeepsItsEvents() throws {
        let (directory, commits) = try Self.twoCommits()
        defer { directory.cleanUp() }
        // Rewrite the last commit with a space after each event's first brace,
        // rehashed: a valid line that `seal` would not write.
        let last = try #require(commits.last)
        // `,"hash":"` + 64 hex + `"}` + `\n` end every line.
        var body = Array(last.sealed.line.dropLast(9 + 64 + 2 + 1))
        body = Array(String(decoding: body, as: UTF8.self).replacingOccurrences(of: #"{"seq""#, with: #"{ "seq""#).utf8)
        let line = body + Array(#","hash":"\#(SHA256.hexDigest(body))"}"#.utf8) + [UInt8(ascii: "\n")]
        let log = try Files.read(directory.file("log.jsonl"))
        try Files.write(directory.file("log.jsonl"), Array(log[..<Int(last.offset)]) + line)
        try Files.removeProjection(in: directory.path)

        let ledger = try Ledger.open(at: directory.path, access: .write)
        #expect(CommitCodec.eventRanges(of: last.commit, in: Array(line.dropLast())) == nil)
        let entries = try ledger.history(of: person("ada")).entries
        #expect(entries.first?.seq == last.commit.firstSeq && entries.first?.actor == "bob")
        #expect(try ledger.projection.count("events WHERE body IS NOT NULL") == 1)
    }

    @Test("commits gathered in one projection transaction and lost in a crash are applied again on open")
    func bulkTransactionLostInACrash() throws {
        let (directory, ledger, warnings) = try Self.placedLedger()
        defer { directory.cleanUp() }
        let committedHead = ledger.headSeq
        ledger.bulkLoading {
            for index in 0..<5 { _ = try? ledger.commit([Op.link(Keys.placed, "ada", "o\(index)")], metadata: metadata()) }
            #expect(ledger.headSeq == committedHead + 5)
            // Another connection sees only what the projection committed.
            let reader = try? Ledger.open(at: directory.path, access: .read)
            #expect(reader?.headSeq == committedHead)
            // The process dies: the open transaction is gone, the log is not.
            ledger.projection.db.close()
        }
        #expect(warnings.messages.count == 1, "\(warnings.messages)")
        ledger.close()
        let log = try Files.read(directory.file("log.jsonl"))
        let reopened = try Ledger.open(at: directory.path, access: .write)
        #expect(reopened.headSeq == committedHead + 5)
        #expect(try reopened.relationships(of: person("ada")).links.count == 5)
        #expect(try Files.read(directory.file("log.jsonl")) == log)
        #expect(try Verifier.verify(directory: directory.path).isIntact)
    }

    @Test("the per-record event rows of an open bulk transaction, held back until it commits, are seen by the writer's own history and audit")
    func heldBackRecordEventsAreSeenByTheWriter() throws {
        let (directory, ledger, _) = try Self.placedLedger()
        defer { directory.cleanUp() }
        try ledger.bulkLoading { () throws in
            for index in 0..<3 { _ = try ledger.commit([Op.link(Keys.placed, "ada", "o\(index)")], metadata: metadata()) }
            _ = try ledger.commit([Op.unlink(Keys.placed, "ada", "o1")], metadata: metadata())
            #expect(try ledger.history(of: person("ada")).entries.map(\.seq) == [6, 5, 4, 3])
            #expect(try ledger.audit(AuditFilter(record: record("order", "o1"))).entries.map(\.seq) == [6, 4])
            _ = try ledger.commit([Op.link(Keys.placed, "bob", "o1")], metadata: metadata())
            #expect(try ledger.history(of: record("order", "o1")).entries.map(\.seq) == [7, 6, 4])
        }
        #expect(try ledger.projection.count("record_events") == 10)
        ledger.close()
        // The rows are those a build from the whole log derives from the versions.
        try Files.removeProjection(in: directory.path)
        let rebuilt = try Ledger.open(at: directory.path, access: .write)
        #expect(try rebuilt.history(of: record("order", "o1")).entries.map(\.seq) == [7, 6, 4])
        #expect(try rebuilt.projection.count("record_events") == 10)
    }

    @Test("an import's projection transaction commits once the batch is full, so readers in other processes see progress")
    func bulkBatchesCommitWhenFull() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata())
        ledger.projection.batching = ProjectionBatching(events: 3, ageNs: UInt64.max)
        _ = try ledger.commit([Op.link(Keys.placed, "ada", "o1"), Op.link(Keys.placed, "ada", "o2")], metadata: metadata())
        #expect(try Ledger.open(at: directory.path, access: .read).headSeq == 2)
        _ = try ledger.commit([Op.link(Keys.placed, "ada", "o3")], metadata: metadata())
        #expect(try Ledger.open(at: directory.path, access: .read).headSeq == 5)
        ledger.projection.batching = .everyApply
    }

    @Test("a projection built from the whole log has every index and the schema version, and leaves no building file")
    func builtFromTheWholeLog() throws {
        let (directory, _) = try Self.twoCommits()
        defer { directory.cleanUp() }
        // A building file left by a crash is replaced, not trusted.
        try Files.write(directory.file("projection-building.sqlite"), Array("not a database".utf8))
        try Files.removeProjection(in: directory.path)
        let ledger = try Ledger.open(at: directory.path, access: .write)
        #expect(ledger.headSeq == 4)
        #expect(!Files.exists(directory.file("projection-building.sqlite")))
        #expect(try ledger.projection.db.userVersion == ProjectionSchema.version)
        for index in ["links_by_to", "versions_by_from", "versions_by_to", "commits_by_at"] {
            #expect(try ledger.projection.count("sqlite_master WHERE type = 'index' AND name = '\(index)'") == 1, "\(index)")
        }
        let rebuilt = try ledger.rebuild(full: true)
        #expect(rebuilt == (0, 4))
        #expect(try ledger.history(of: person("ada")).entries.count == 2)
        #expect(try Verifier.verify(directory: directory.path).isIntact)
    }
}

extension ProjectionStorageTests {
    @Test("an inverse role is kept by the projection, a rebuild, a snapshot and the export, and counts in the state digest")
    func inverseRoleIsStored() throws {
        let (directory, ledger, _) = try Self.placedLedger()
        defer { directory.cleanUp() }
        let plain = try ledger.projection.stateDigest()
        _ = try ledger.commit([Op.register(Keys.placed, inverseRole: "placed_by")], metadata: metadata())
        #expect(try ledger.projection.stateDigest() != plain)
        try ledger.takeSnapshot()
        _ = try ledger.commit([Op.register(Keys.placed, inverseRole: "bought_by")], metadata: metadata())
        #expect(ledger.catalog.relationshipTypes.map(\.inverseRole) == ["bought_by"])
        var rows: [JSONValue] = []
        _ = try Exporter.exportJSONLines(ledger, asOf: .seq(3)) { rows.append($0); return true }
        #expect(rows.compactMap { $0.objectValue?["inverseRole"] } == [.string("placed_by")])
        ledger.close()
        try Files.removeProjection(in: directory.path)
        let restored = try Ledger.open(at: directory.path, access: .write)
        #expect(restored.catalog.relationshipTypes.map(\.inverseRole) == ["bought_by"])
        #expect(try restored.rebuild(full: true) == (0, 4))
        #expect(restored.catalog.relationshipTypes.map(\.inverseRole) == ["bought_by"])
        #expect(try Verifier.verify(directory: directory.path).isIntact)
    }

    @Test("a reader whose head is older than its snapshot still finds a version closed later at a higher interval level")
    func staleReaderFindsHighLevelVersions() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed)], metadata: metadata())
        _ = try ledger.commit([Op.link(Keys.placed, "ada", "o1")], metadata: metadata())  // seq 3
        for index in 0..<37 { _ = try ledger.commit([Op.link(Keys.placed, "bob", "x\(index)")], metadata: metadata()) }
        #expect(ledger.headSeq == 40)
        let reader = try Ledger.open(at: directory.path, access: .read)
        for index in 0..<29 { _ = try ledger.commit([Op.link(Keys.placed, "bob", "y\(index)")], metadata: metadata()) }
        _ = try ledger.commit([Op.unlink(Keys.placed, "ada", "o1")], metadata: metadata())  // seq 70: [3, 70) is filed at level 7
        #expect(ledger.headSeq == 70 && reader.headSeq == 40)
        #expect(try reader.relationships(of: person("ada"), asOf: .seq(40)).links.map(\.to) == [record("order", "o1")])
        #expect(try ledger.relationships(of: person("ada"), asOf: .seq(69)).links.count == 1)
        #expect(try ledger.relationships(of: person("ada")).links.isEmpty)
    }

    @Test("an open batch that SQLite dropped by itself stops writes before anything is appended, and a reopen catches up")
    func droppedBatchStopsWrites() throws {
        let (directory, ledger, warnings) = try Self.placedLedger()
        defer { directory.cleanUp() }
        let log = try ledger.bulkLoading { () throws in
            _ = try ledger.commit([Op.link(Keys.placed, "ada", "o1")], metadata: metadata())
            // What SQLite does after a failed statement (a full disk, an I/O error).
            try ledger.projection.db.execute("ROLLBACK")
            let log = try Files.read(directory.file("log.jsonl"))
            expectLedgerError(.ioError) { try ledger.commit([Op.link(Keys.placed, "ada", "o1")], metadata: metadata()) }
            #expect(try Files.read(directory.file("log.jsonl")) == log, "nothing decided on the dropped state was appended")
            expectLedgerError(.ioError) { try ledger.commit([Op.link(Keys.placed, "ada", "o2")], metadata: metadata()) }
            return log
        }
        #expect(!warnings.messages.isEmpty)
        ledger.close()
        let reopened = try Ledger.open(at: directory.path, access: .write)
        #expect(reopened.headSeq == 3)
        #expect(try reopened.relationships(of: person("ada")).links.count == 1)
        #expect(try Files.read(directory.file("log.jsonl")) == log)
    }

    @Test("while the writer builds the projection, another process is told the ledger is busy")
    func readerDuringABuildIsBusy() throws {
        let (directory, _) = try Self.twoCommits()
        defer { directory.cleanUp() }
        let writer = try Ledger.open(at: directory.path, access: .write)
        // The moment of a rebuild when the old projection is gone.
        try Files.removeProjection(in: directory.path)
        expectLedgerError(.ledgerBusy) { try Ledger.open(at: directory.path, access: .read) }
        withExtendedLifetime(writer) {}
    }

    @Test("an empty snapshot file is damage, not one from another version")
    func emptySnapshotIsDamage() throws {
        let (directory, _) = try Self.twoCommits()
        defer { directory.cleanUp() }
        let ledger = try Ledger.open(at: directory.path, access: .write)
        let taken = try ledger.takeSnapshot()
        try Files.write(taken.path, [])
        let listed = try ledger.snapshots()
        #expect(listed.count == 1 && !listed[0].isValid && !listed[0].isOtherVersion, "\(listed)")
        ledger.close()
        #expect(try !Verifier.verify(directory: directory.path).isIntact)
    }
}

extension ProjectionStorageTests {
    /// Rows of a projection table, in key order, as text.
    static func rows(_ ledger: Ledger, _ sql: String) throws -> [String] {
        let statement = try ledger.projection.db.statement(sql)
        defer { statement.reset() }
        var rows: [String] = []
        while try statement.step() {
            rows.append((0..<statement.columnCount).map { statement.isNull($0) ? "NULL" : statement.string($0) }.joined(separator: "|"))
        }
        return rows
    }

    @Test("""
        a projection built from the whole log, and one restored from a snapshot and caught up in its copy, hold the same rows as one \
        applied commit by commit
        """, arguments: [1, 2, 3] as [UInt64])
    func builtEqualsApplied(seed: UInt64) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.define("line_item"), Op.register(Keys.placed, bidirectional: true),
                               Op.register(Keys.contains)], metadata: metadata())
        var random = SplitMix64(seed: seed)
        for step in 0..<300 {
            if step == 150 { _ = try ledger.takeSnapshot() }
            let person = "p\(random.below(4))", order = "o\(random.below(4))", item = "i\(random.below(3))"
            let operation: Operation
            switch random.below(6) {
            case 0, 1: operation = Op.link(Keys.placed, person, order, ["n": .int(Int64(random.below(3)))])
            case 2: operation = Op.unlink(Keys.placed, person, order)
            case 3: operation = Op.setAttributes(Keys.placed, person, order, set: ["n": .int(Int64(random.below(3)))])
            case 4: operation = Op.link(Keys.contains, order, item)
            default: operation = Op.unlink(Keys.contains, order, item)
            }
            _ = try? ledger.commit([operation], metadata: metadata())  // Rejected ones (unlink of nothing) append nothing.
        }
        let tables = [
            "SELECT record, seq FROM record_events ORDER BY 1, 2",
            "SELECT * FROM link_versions ORDER BY id",
            "SELECT * FROM links ORDER BY 1, 2, 3",
            "SELECT * FROM records ORDER BY id",
            "SELECT seq, commit_seq, log_offset, length, crc FROM events ORDER BY seq",
        ]
        let applied = try tables.map { try Self.rows(ledger, $0) }
        #expect(applied[0].count > 300)
        for full in [false, true] {
            let (fromSeq, toSeq) = try ledger.rebuild(full: full)
            #expect(fromSeq == (full ? 0 : try #require(try ledger.snapshots().first).seq) && toSeq == ledger.headSeq)
            for (index, sql) in tables.enumerated() {
                #expect(try Self.rows(ledger, sql) == applied[index], "full: \(full), \(sql)")
            }
        }
    }

    @Test("""
        damage SQLite finds in a snapshot's copy only as it is caught up (a page whose checksum holds but which is no b-tree page) \
        skips the snapshot like a failed check: the log is replayed whole, with a warning naming the copy
        """)
    func damageFoundInTheCopyWhileCatchingUpSkipsTheSnapshot() throws {
        let (directory, _) = try Self.twoCommits()
        defer { directory.cleanUp() }
        let ledger = try Ledger.open(at: directory.path, access: .write)
        let snapshot = try ledger.takeSnapshot().path
        // New records: catching up inserts them into the records index.
        _ = try ledger.commit([Op.link(Keys.placed, "bo", "o3")], metadata: metadata())
        ledger.close()
        let root = try {
            let db = try SQLiteConnection(path: snapshot, readOnly: true)
            defer { db.close() }
            let statement = try db.statement("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_records_1'")
            defer { statement.reset() }
            #expect(try statement.step())
            return statement.int(0)
        }()
        var bytes = try Files.read(snapshot)
        let pageSize = try #require(PageChecksum.pageSize(ofSealedHeader: bytes))
        let start = Int(root - 1) * pageSize
        bytes.replaceSubrange(start..<start + pageSize, with: repeatElement(0, count: pageSize))
        bytes.withUnsafeMutableBytes { PageChecksum.seal($0.baseAddress! + start, count: pageSize, offset: Int64(start)) }
        try Files.write(snapshot, bytes)
        try Files.removeProjection(in: directory.path)

        let warnings = WarningLog()
        let reopened = try Ledger.open(at: directory.path, access: .write, warn: warnings.sink)
        defer { reopened.close() }
        let skipped = warnings.messagesBesidesMissingProjection
        #expect(skipped.count == 1 && skipped[0].contains("skipped") && skipped[0].contains("projection-building.sqlite"), "\(skipped)")
        #expect(reopened.headSeq == 5)
        #expect(try reopened.history(of: person("bo")).entries.count == 1)
        #expect(try directory.contents().filter { $0.hasPrefix("projection-building") }.isEmpty)
    }

    @Test("a restore's catch-up stops before a torn tail, which the open then cuts off and keeps aside")
    func aRestoreLeavesTheTornTailToTheOpen() throws {
        let (directory, _) = try Self.twoCommits()
        defer { directory.cleanUp() }
        let ledger = try Ledger.open(at: directory.path, access: .write)
        _ = try ledger.takeSnapshot()
        _ = try ledger.commit([Op.link(Keys.placed, "bo", "o3")], metadata: metadata())
        ledger.close()
        let log = try Files.read(directory.file("log.jsonl"))
        try Files.write(directory.file("log.jsonl"), log + Array(log.prefix(40)))
        try Files.removeProjection(in: directory.path)

        let warnings = WarningLog()
        let reopened = try Ledger.open(at: directory.path, access: .write, warn: warnings.sink)
        defer { reopened.close() }
        #expect(reopened.headSeq == 5)
        #expect(warnings.messagesBesidesMissingProjection.contains { $0.contains("incomplete commit") }, "\(warnings.messages)")
        #expect(try Files.read(directory.file("log.jsonl")) == log)
        #expect(try directory.contents().contains { $0.hasPrefix("log.jsonl.torn-at-") })
    }

    @Test("a restore whose catch-up meets damage in the log removes its copy, leaves no projection, and the next open restores again")
    func aRestoreThatCannotCatchUpLeavesNothing() throws {
        let (directory, commits) = try Self.twoCommits()
        defer { directory.cleanUp() }
        let ledger = try Ledger.open(at: directory.path, access: .write)
        _ = try ledger.takeSnapshot()
        _ = try ledger.commit([Op.link(Keys.placed, "bo", "o3")], metadata: metadata())
        _ = try ledger.commit([Op.link(Keys.placed, "bo", "o4")], metadata: metadata())
        ledger.close()
        // A byte of the first commit after the snapshot, which is not the last (a torn tail).
        let log = try Files.read(directory.file("log.jsonl"))
        let afterSnapshot = Int(try #require(commits.last).endOffset) + 10
        var damaged = log
        damaged[afterSnapshot] ^= 0x01
        try Files.write(directory.file("log.jsonl"), damaged)
        try Files.removeProjection(in: directory.path)

        do {
            _ = try Ledger.open(at: directory.path, access: .write)
            Issue.record("the open caught up over damage in the log")
        } catch {
            #expect(error.code == .ledgerDamaged && error.message.contains("damaged at byte offset"), "\(error)")
        }
        let left = try directory.contents().filter { $0.hasPrefix("projection") }
        #expect(left.isEmpty, "\(left)")

        try Files.write(directory.file("log.jsonl"), log)
        let reopened = try Ledger.open(at: directory.path, access: .write)
        #expect(reopened.headSeq == 6)
        #expect(try reopened.history(of: person("bo")).entries.count == 2)
    }
}

private extension Event {
    var isUnlink: Bool {
        if case .unlinked = self { return true }
        return false
    }
}
