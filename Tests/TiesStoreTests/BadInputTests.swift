import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

@Suite("Bad input")
struct BadInputTests {
    static func many(_ count: Int, _ character: Character = "x") -> String { String(repeating: character, count: count) }

    static let hundredAndOneAttributes: Attributes = {
        var attributes: Attributes = [:]
        for index in 0...Limits.attributesPerLinkMax { attributes["k\(index)"] = .int(Int64(index)) }
        return attributes
    }()

    /// Operations that must be rejected, each after valid ones in the same commit.
    static let badOperations: [(String, Operation, LedgerError.Code)] = [
        ("empty person ID", Op.link(Keys.placed, "", "o1"), .invalidField),
        ("empty object ID", Op.link(Keys.placed, "u1", ""), .invalidField),
        ("ID of 256 bytes", Op.link(Keys.placed, many(256), "o1"), .invalidField),
        ("ID of 64 emoji (256 bytes)", Op.link(Keys.placed, "u1", many(64, "🎉")), .invalidField),
        ("string attribute of 4097 bytes", Op.link(Keys.placed, "u1", "o1", ["k": .string(many(4097))]), .invalidField),
        ("string attribute over 4096 bytes in set", Op.setAttributes(Keys.placed, "u0", "o0", set: ["k": .string(many(1366, "€"))]), .invalidField),
        ("array attribute", Op.link(Keys.placed, "u1", "o1", ["k": .array([.int(1)])]), .invalidField),
        ("object attribute", Op.link(Keys.placed, "u1", "o1", ["k": .object([:])]), .invalidField),
        ("empty attribute key", Op.link(Keys.placed, "u1", "o1", ["": .int(1)]), .invalidField),
        ("attribute key of 256 characters", Op.link(Keys.placed, "u1", "o1", [many(256): .int(1)]), .invalidField),
        ("101 attributes", Op.link(Keys.placed, "u1", "o1", hundredAndOneAttributes), .invalidField),
        ("empty unset key", Op.setAttributes(Keys.placed, "u0", "o0", unset: [""]), .invalidField),
        ("set and unset of one key", Op.setAttributes(Keys.placed, "u0", "o0", set: ["a": .int(1)], unset: ["a"]), .invalidField),
        ("empty role", Op.register(.personToCo(role: "", objectType: "order")), .invalidField),
        ("role of 256 characters", Op.register(.personToCo(role: many(256), objectType: "order")), .invalidField),
        ("role with a slash", Op.register(.personToCo(role: "a/b", objectType: "order")), .invalidField),
        ("role with a newline", Op.register(.personToCo(role: "a\nb", objectType: "order")), .invalidField),
        ("empty type name", Op.define(""), .invalidField),
        ("type name with a colon", Op.define("a:b"), .invalidField),
        ("type name with a slash", Op.define("a/b"), .invalidField),
        ("type name of 256 characters", Op.define(many(256)), .invalidField),
        ("type name with a control character", Op.define("bell\u{7}"), .invalidField),
        ("empty description", Op.define("described", description: ""), .invalidField),
        ("description of 1001 characters", Op.define("described", description: many(1001)), .invalidField),
        ("person as a custom object type", Op.register(.personToCo(role: "r", objectType: "person")), .invalidField),
        ("unknown object type", Op.register(.personToCo(role: "r", objectType: "Ordr")), .unknownObjectType),
        ("person endpoints on a co_to_co type", .link(LinkRequest(type: .key(Keys.contains), fromID: "o0", toID: "li0", style: .personAndObject), attributes: [:]), .invalidField),
        ("unknown type ID", Op.link(id: "rt_zzzzzzzz", "u1", "o1"), .unknownRelationshipType),
        ("unlink of a link that does not exist", Op.unlink(Keys.placed, "u0", "o9"), .relationshipNotFound),
        ("a second person for an order (ONE_TO_MANY)", Op.link(Keys.placed, "u1", "o0"), .cardinalityViolation),
        ("tightening a type that already breaks it", Op.register(Keys.contains, cardinality: .manyToOne), .cardinalityViolation),
    ]

    /// Order, line_item, placed (ONE_TO_MANY, bidirectional), contains;
    /// u0 → o0, and o0 → li0, li1 (so `contains` cannot become MANY_TO_ONE).
    private func setUp(in directory: TemporaryDirectory) throws -> Ledger {
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.define("line_item"),
                               Op.register(Keys.placed, cardinality: .oneToMany, bidirectional: true), Op.register(Keys.contains),
                               Op.link(Keys.placed, "u0", "o0"), Op.link(Keys.contains, "o0", "li0"), Op.link(Keys.contains, "o0", "li1")],
                              metadata: metadata())
        return ledger
    }

    @Test("a commit with one bad operation appends nothing, not even its good ones",
          arguments: 0..<BadInputTests.badOperations.count)
    func badOperationRejectsTheWholeCommit(index: Int) throws {
        let (name, bad, code) = Self.badOperations[index]
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let records = [person("fresh"), record("order", "fresh"), person("u0"), person("u1"), record("order", "o0")]
        let after: Answers
        do {
            let ledger = try setUp(in: directory)
            let head = ledger.headSeq
            let log = try Files.read(directory.file("log.jsonl"))
            let before = try Answers(ledger, records: records)

            let error = expectLedgerError(code, "\(name)") {
                try ledger.commit([Op.link(Keys.placed, "fresh", "fresh", ["k": .int(1)]), Op.define("fresh_type"), bad], metadata: metadata())
            }
            #expect(error?.details["index"] == .int(2), "\(name): \(error.map { "\($0)" } ?? "")")
            if code == .unknownObjectType {
                #expect(error?.details["suggestions"] == .array([.string("order")]), "\(name)")
            }
            #expect(ledger.headSeq == head, "\(name)")
            #expect(try Files.read(directory.file("log.jsonl")) == log, "\(name)")
            #expect(try Answers(ledger, records: records) == before, "\(name)")
            #expect(!ledger.catalog.objectTypes.contains { $0.name == "fresh_type" }, "\(name)")

            // The ledger carries on from where it was.
            let receipt = try ledger.commit([Op.link(Keys.placed, "fresh", "fresh")], metadata: metadata())
            #expect(receipt.firstSeq == head + 1, "\(name)")
            after = try Answers(ledger, records: records)
        }
        // A rebuild from the log sees no trace of the rejected commit either.
        try Files.removeProjection(in: directory.path)
        let rebuilt = try Ledger.open(at: directory.path, access: .read)
        #expect(try Answers(rebuilt, records: records) == after, "\(name)")
    }

    @Test("bad commit metadata is invalid_field and appends nothing",
          arguments: [CommitMetadata(actor: ""), CommitMetadata(actor: "a\nb"), CommitMetadata(actor: many(256)),
                      CommitMetadata(actor: "ok", reason: ""), CommitMetadata(actor: "ok", reason: many(1001)),
                      CommitMetadata(actor: "ok", idempotencyKey: ""), CommitMetadata(actor: "ok", idempotencyKey: "tab\there")])
    func badMetadata(metadata: CommitMetadata) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.path)
        let error = expectLedgerError(.invalidField) { try ledger.commit([Op.define("order")], metadata: metadata) }
        #expect(error?.details["field"] != nil)
        #expect(ledger.headSeq == 0)
        #expect(try Files.read(directory.file("log.jsonl")).isEmpty)
    }

    @Test("actors and reasons in any script round-trip through history")
    func unicodeMetadata() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try setUp(in: directory)
        _ = try ledger.commit([Op.link(Keys.placed, "u9", "o9")],
                              metadata: CommitMetadata(actor: "🤖 bot/ünï:1", reason: "line one\nline two \"quoted\" \\ ☃", idempotencyKey: "k-🎉"))
        let entry = try #require(try ledger.history(of: person("u9")).entries.first)
        #expect(Array(entry.actor.utf8) == Array("🤖 bot/ünï:1".utf8))
        #expect(entry.reason.map { Array($0.utf8) } == Array("line one\nline two \"quoted\" \\ ☃".utf8))
        #expect(try readWholeLog(ledger).last?.commit.idempotencyKey == "k-🎉")
        #expect(Files.lineRanges(try Files.read(directory.file("log.jsonl"))).count == 2)
    }

    /// IDs are opaque UTF-8 (TiesCore.docc/Vocabulary.md): any characters, 1–255 bytes.
    static let exoticIDs: [String] = [
        "a:b:c", "x/y/z", "/", ":", "::", "person:p1", "with space", " leading and trailing ", "🧑‍🚀🎉", "ünïcödé",
        "e\u{301}", "\u{e9}", "Å", "A\u{30A}", "quote\"and\\backslash", "tab\there", "new\nline", "cr\rlf", "nul\u{0}byte",
        "\u{7f}del", "\u{FEFF}bom", "\u{202E}rtl", "ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ", "%2F%3A", "x",
        String(repeating: "🎉", count: 63) + "abc",  // exactly 255 bytes
    ]

    private func expectExactRoundTrip(_ ledger: Ledger, placed: String, _ label: String) throws {
        for id in Self.exoticIDs {
            let bytes = Array(id.utf8)
            let shown = try ledger.relationships(of: person(id))
            #expect(shown.links.count == 1, "\(label): \(bytes)")
            for link in shown.links {
                #expect(Array(link.from.id.utf8) == bytes && Array(link.to.id.utf8) == bytes, "\(label): \(bytes)")
                #expect(link.to.type == "order" && link.type.id == placed, "\(label): \(bytes)")
                #expect(link.attributes["label"]?.stringValue.map { Array($0.utf8) } == bytes, "\(label): \(bytes)")
            }
            let inverse = try ledger.relationships(of: record("order", id))
            #expect(inverse.links.map(\.direction) == [.inverse], "\(label): \(bytes)")
            #expect(inverse.links.map { Array($0.from.id.utf8) } == [bytes], "\(label): \(bytes)")
            let history = try ledger.history(of: person(id))
            #expect(history.entries.count == 1, "\(label): \(bytes)")
            if case .linked(let key, let attributes, _)? = history.entries.first?.event {
                #expect(Array(key.from.id.utf8) == bytes && Array(key.to.id.utf8) == bytes, "\(label): \(bytes)")
                #expect(attributes["label"]?.stringValue.map { Array($0.utf8) } == bytes, "\(label): \(bytes)")
            } else {
                Issue.record("\(label): \(bytes): history is \(history.entries)")
            }
        }
    }

    @Test("IDs with ':', '/', spaces, emoji and control characters round-trip exactly through show and history")
    func exoticIDsRoundTrip() throws {
        #expect(Self.exoticIDs.last?.utf8.count == Limits.recordIDBytesMax)
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let placed: String
        do {
            let ledger = try setUp(in: directory)
            placed = try #require(ledger.catalog.relationshipTypes.first { $0.key == Keys.placed }?.id)
            // One commit per ID: canonically equivalent IDs (é, e + ◌́) stay apart.
            for id in Self.exoticIDs {
                let receipt = try ledger.commit([Op.link(Keys.placed, id, id, ["label": .string(id)])], metadata: metadata())
                guard case .link(let key, true, true)? = receipt.results.first else {
                    Issue.record("\(Array(id.utf8)): \(receipt.results)")
                    continue
                }
                #expect(Array(key.to.id.utf8) == Array(id.utf8))
            }
            try expectExactRoundTrip(ledger, placed: placed, "just committed")
            // Every commit is still one line of the log.
            #expect(Files.lineRanges(try Files.read(directory.file("log.jsonl"))).count == 1 + Self.exoticIDs.count)
        }
        try expectExactRoundTrip(try Ledger.open(at: directory.path, access: .read), placed: placed, "reopened")
        try Files.removeProjection(in: directory.path)
        try expectExactRoundTrip(try Ledger.open(at: directory.path, access: .write), placed: placed, "rebuilt")
    }

    @Test("random and mutated import lines never crash and never leave a half commit", arguments: [UInt64(11), 12, 13, 14, 15, 16])
    func fuzzedImport(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let valid = Lines.good + [Lines.unlink("u1", "o1"), Lines.link("u1", "o2", ["a": .int(1), "b": .string("x")]),
                                  #"{"op":"setAttributes","relationshipType":\#(Lines.placedKey),"personExternalId":"u2","customObjectExternalId":"o2","set":{"s":true},"unset":["a"]}"#]
        var file: [UInt8] = []
        for _ in 0..<60 {
            var line = Array(random.pick(valid).utf8)
            switch random.below(10) {
            case 0: line = Array(line.prefix(random.below(line.count)))
            case 1: line[random.below(line.count)] = UInt8(truncatingIfNeeded: random.next())
            case 2: line.insert(UInt8(truncatingIfNeeded: random.next()), at: random.below(line.count))
            case 3: line = (0..<random.below(40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }.filter { $0 != 10 }
            default: break
            }
            file += line + (random.chance(20) ? [13, 10] : [10])
        }
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let records = [person("u1"), person("u2"), person("u3"), person("u4"), record("order", "o1"), record("order", "o2")]
        let answers: Answers
        do {
            let ledger = try makeLedger(in: directory.file("ledger"))
            let batchSize = 1 + random.below(4)
            let atomic = random.chance(25)
            let result = try ImportRun.run(file, into: ledger, in: directory, batchSize: batchSize, atomic: atomic)
            let totals: ImportTotals
            switch result {
            case .success(let done):
                totals = done
                #expect(done.lines == 60, "seed \(seed)")
            case .failure(let failure):
                totals = failure.totals
                #expect(failure.line >= 1 && failure.line <= 60, "seed \(seed)")
                #expect(totals.committedThroughLine < failure.line, "seed \(seed)")
                #expect(!failure.error.code.isStorageFailure, "seed \(seed): \(failure.error)")
                if atomic { #expect(totals.commits == 0, "seed \(seed)") }
            }
            let commits = try readWholeLog(ledger)
            expectIntactChain(commits)
            #expect(commits.count == totals.commits, "seed \(seed)")
            #expect(ledger.headSeq == (totals.lastSeq ?? 0), "seed \(seed)")
            #expect(Int64(try Files.read(directory.file("ledger/log.jsonl")).count) == (commits.last?.endOffset ?? 0), "seed \(seed)")
            answers = try Answers(ledger, records: records)
        }
        try Files.removeProjection(in: directory.file("ledger"))
        #expect(try Answers(try Ledger.open(at: directory.file("ledger"), access: .read), records: records) == answers, "seed \(seed)")
    }
}
