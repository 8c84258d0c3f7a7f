import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

/// Operation lines (TiesCore.docc/Operations.md) naming types by key, so files need no IDs;
/// built with TiesTestSupport's `Op.line`.
enum Lines {
    static let placedKey = JSONValue.object(Op.json(Keys.placed)).encodedString
    static let defineOrder = Op.line(Op.define("order"))
    static let defineAccount = Op.line(Op.define("account", description: "A billing account"))
    static let registerPlaced = Op.line(Op.register(Keys.placed, cardinality: .oneToMany, bidirectional: true))

    static func link(_ person: String, _ order: String, _ attributes: Attributes = [:]) -> String {
        Op.line(Op.link(Keys.placed, person, order, attributes))
    }

    static func unlink(_ person: String, _ order: String) -> String {
        Op.line(Op.unlink(Keys.placed, person, order))
    }

    /// Seven good lines: three set-up operations, then four links.
    static let good = [defineOrder, defineAccount, registerPlaced, link("u1", "o1"), link("u2", "o2"), link("u3", "o3"), link("u4", "o4")]

    /// Bad lines, each with the code it must be rejected with once lines
    /// 1–3 of `good` and a link u1 → o1 are in place.
    static let bad: [(String, [UInt8], LedgerError.Code)] = [
        ("invalid JSON", Array(#"{"op":"link","#.utf8), .invalidJSON),
        ("not an object", Array("[1,2,3]".utf8), .invalidField),
        ("unknown op", Array(#"{"op":"frobnicate"}"#.utf8), .invalidField),
        ("missing endpoints", Array(#"{"op":"link","relationshipType":\#(placedKey)}"#.utf8), .invalidField),
        ("invalid UTF-8", Array(#"{"op":"defineObjectType","name":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8), .invalidJSON),
        ("a second person for one order (ONE_TO_MANY)", Array(link("u9", "o1").utf8), .cardinalityViolation),
        ("unlink of a link that does not exist", Array(unlink("u9", "o9").utf8), .relationshipNotFound),
        ("unknown object type", Array(#"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"ordr"}"#.utf8), .unknownObjectType),
        ("bad cardinality", Array(#"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","cardinality":"SOME"}"#.utf8), .invalidCardinality),
        ("unknown type ID", Array(#"{"op":"link","relationshipTypeId":"rt_nope","personExternalId":"a","customObjectExternalId":"b"}"#.utf8), .unknownRelationshipType),
    ]

    static func text(_ lines: [String], newline: String = "\n") -> [UInt8] {
        Array(lines.map { $0 + newline }.joined().utf8)
    }
}

enum ImportRun {
    static let metadata = CommitMetadata(actor: "importer", reason: "bulk load")

    /// Writes `bytes` to a file, imports it, and returns what happened.
    static func run(_ bytes: [UInt8], into ledger: Ledger, in directory: TemporaryDirectory, batchSize: Int = 3,
                    atomic: Bool = false, lineBytesMax: Int = Limits.operationLineBytesMax,
                    onCommit: (ImportTotals) -> Void = { _ in }) throws -> Result<ImportTotals, ImportFailure> {
        let path = directory.file("input-\(bytes.count).jsonl")
        try Files.write(path, bytes)
        let reader = try LineReader(path: path, lineBytesMax: lineBytesMax)
        let options = ImportOptions(batchSize: batchSize, atomic: atomic, metadata: metadata)
        return Result { () throws(ImportFailure) in try Importer.run(reader, into: ledger, options: options, onCommit: onCommit) }
    }

    /// A ledger holding what lines 1–4 of `Lines.good` set up.
    static func preparedLedger(in directory: TemporaryDirectory) throws -> Ledger {
        let ledger = try makeLedger(in: directory.file("ledger"))
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed, cardinality: .oneToMany, bidirectional: true),
                               Op.link(Keys.placed, "u1", "o1")], metadata: metadata)
        return ledger
    }
}

@Suite("Import")
struct ImportTests {
    @Test("an empty file, or one blank line, makes no commit", arguments: ["", "   ", "\t", " \t "])
    func emptyFile(content: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.file("ledger"))
        let totals = try ImportRun.run(Array(content.utf8), into: ledger, in: directory).get()
        #expect(totals.lines == (content.isEmpty ? 0 : 1))
        #expect(totals.commits == 0 && totals.operations == 0 && totals.events == 0)
        #expect(totals.firstSeq == nil && totals.lastSeq == nil)
        #expect(ledger.headSeq == 0)
        #expect(try Files.read(directory.file("ledger/log.jsonl")).isEmpty)
    }

    @Test("one operation line is one commit, with the import's actor and reason", arguments: [false, true])
    func oneLine(atomic: Bool) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try ImportRun.preparedLedger(in: directory)
        var reported: [ImportTotals] = []
        let totals = try ImportRun.run(Array(Lines.link("u2", "o2", ["channel": .string("web")]).utf8), into: ledger, in: directory,
                                       atomic: atomic, onCommit: { reported.append($0) }).get()
        #expect(totals.lines == 1 && totals.operations == 1 && totals.commits == 1 && totals.events == 1)
        #expect(totals.firstSeq == 4 && totals.lastSeq == 4 && totals.committedThroughLine == 1)
        #expect(reported.map(\.committedThroughLine) == [1])
        let last = try #require(try readWholeLog(ledger).last)
        #expect(last.commit.actor == "importer" && last.commit.reason == "bulk load")
        #expect(try ledger.relationships(of: person("u2")).links.map(\.attributes) == [["channel": .string("web")]])
        // The same line again is a no-op: nothing is committed.
        let again = try ImportRun.run(Array(Lines.link("u2", "o2", ["channel": .string("web")]).utf8), into: ledger, in: directory,
                                      atomic: atomic).get()
        #expect(again.commits == 0 && again.unchanged == 1 && again.committedThroughLine == 1)
        #expect(ledger.headSeq == 4)
    }

    @Test("a file of one bad line is rejected at line 1 and commits nothing",
          arguments: [false, true], 0..<Lines.bad.count)
    func badLine(atomic: Bool, index: Int) throws {
        let (name, bad, code) = Lines.bad[index]
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try ImportRun.preparedLedger(in: directory)
        let logBefore = try Files.read(directory.file("ledger/log.jsonl"))
        guard case .failure(let failure) = try ImportRun.run(bad, into: ledger, in: directory, atomic: atomic) else {
            Issue.record("\(name): the import succeeded")
            return
        }
        #expect(failure.line == 1, "\(name)")
        #expect(failure.error.code == code, "\(name): \(failure.error)")
        #expect(failure.totals.commits == 0 && failure.totals.committedThroughLine == 0, "\(name)")
        #expect(ledger.headSeq == 3, "\(name)")
        #expect(try Files.read(directory.file("ledger/log.jsonl")) == logBefore, "\(name)")
    }

    @Test("a line longer than the limit is rejected; one exactly at the limit is read")
    func overlongLine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.file("ledger"))
        let limit = 100
        // JSON allows trailing spaces, so padding keeps the line valid.
        let atLimit = Lines.defineAccount + String(repeating: " ", count: limit - Lines.defineAccount.utf8.count)
        let overLimit = atLimit + " "
        guard case .failure(let failure) = try ImportRun.run(Array(overLimit.utf8), into: ledger, in: directory, lineBytesMax: limit) else {
            Issue.record("the import succeeded")
            return
        }
        #expect(failure.line == 1 && failure.error.code == .invalidField)
        #expect(ledger.headSeq == 0)
        let totals = try ImportRun.run(Array(atLimit.utf8), into: ledger, in: directory, lineBytesMax: limit).get()
        #expect(totals.commits == 1)
        #expect(ledger.catalog.objectTypes.map(\.name) == ["account"])
    }

    @Test("a line longer than the default limit (16 MiB) is rejected while reading")
    func overlongLineAtDefaultLimit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.file("ledger"))
        let file = Array(Lines.defineAccount.utf8) + [UInt8](repeating: UInt8(ascii: " "), count: Limits.operationLineBytesMax)
        guard case .failure(let failure) = try ImportRun.run(file, into: ledger, in: directory) else {
            Issue.record("the import succeeded")
            return
        }
        #expect(failure.line == 1)
        #expect(failure.error.code == .invalidField)
        #expect(ledger.headSeq == 0)
    }

    @Test("each batch is its own commit")
    func batchesCommitSeparately() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.file("ledger"))
        var progress: [Int] = []
        let totals = try ImportRun.run(Lines.text(Lines.good), into: ledger, in: directory, onCommit: { progress.append($0.committedThroughLine) }).get()
        #expect(totals.lines == 7)
        #expect(totals.operations == 7)
        #expect(totals.unchanged == 0)
        #expect(totals.commits == 3)
        #expect(totals.events == 7)
        #expect(totals.firstSeq == 1 && totals.lastSeq == 7)
        #expect(totals.committedThroughLine == 7)
        #expect(progress == [3, 6, 7])
        let commits = try readWholeLog(ledger)
        #expect(commits.map { [$0.commit.firstSeq, $0.commit.lastSeq] } == [[1, 3], [4, 6], [7, 7]])
        #expect(commits.allSatisfy { $0.commit.actor == "importer" && $0.commit.reason == "bulk load" })
        expectIntactChain(commits)
        #expect(try ledger.relationships(of: person("u4")).links.map(\.to) == [record("order", "o4")])
        #expect(try ledger.relationships(of: record("order", "o1")).links.map(\.direction) == [.inverse])
        #expect(ledger.catalog.objectTypes.map(\.description) == ["A billing account", nil])

        // Importing the same file again changes nothing and commits nothing.
        let again = try ImportRun.run(Lines.text(Lines.good), into: ledger, in: directory).get()
        #expect(again.commits == 0 && again.events == 0)
        #expect(again.operations == 7 && again.unchanged == 7)
        #expect(again.firstSeq == nil && again.committedThroughLine == 7)
        #expect(ledger.headSeq == 7)
    }

    /// Lines 1–3 set up, line 4 links u1 → o1, line 5 is bad, 6–7 link more.
    private func fileWithBadLine(_ bad: [UInt8]) -> [UInt8] {
        var lines = Lines.good.map { Array($0.utf8) }
        lines[4] = bad
        return lines.flatMap { $0 + [10] }
    }

    @Test("a bad line stops the import at its line; earlier batches stay, its batch does not",
          arguments: 0..<Lines.bad.count)
    func badLineStopsTheImport(index: Int) throws {
        let (name, bad, code) = Lines.bad[index]
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.file("ledger"))
        guard case .failure(let failure) = try ImportRun.run(fileWithBadLine(bad), into: ledger, in: directory) else {
            Issue.record("\(name): the import succeeded")
            return
        }
        #expect(failure.line == 5, "\(name)")
        #expect(failure.error.code == code, "\(name): \(failure.error)")
        #expect(failure.totals.committedThroughLine == 3, "\(name)")
        #expect(failure.totals.commits == 1, "\(name)")
        #expect(ledger.headSeq == 3, "\(name)")
        // Line 4 was in the failed batch: not committed.
        #expect(try ledger.relationships(of: person("u1")).links.isEmpty, "\(name)")
        #expect(try readWholeLog(ledger).count == 1, "\(name)")
    }

    @Test("an atomic import commits nothing when any line is bad", arguments: 0..<Lines.bad.count)
    func atomicImportIsAllOrNothing(index: Int) throws {
        let (name, bad, code) = Lines.bad[index]
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.file("ledger"))
        guard case .failure(let failure) = try ImportRun.run(fileWithBadLine(bad), into: ledger, in: directory, batchSize: 1, atomic: true) else {
            Issue.record("\(name): the atomic import succeeded")
            return
        }
        #expect(failure.line == 5, "\(name)")
        #expect(failure.error.code == code, "\(name): \(failure.error)")
        #expect(failure.totals.committedThroughLine == 0 && failure.totals.commits == 0, "\(name)")
        #expect(ledger.headSeq == 0, "\(name)")
        #expect(try Files.read(directory.file("ledger/log.jsonl")).isEmpty, "\(name)")
    }

    @Test("an atomic import of good lines is one commit")
    func atomicImportIsOneCommit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.file("ledger"))
        let totals = try ImportRun.run(Lines.text(Lines.good), into: ledger, in: directory, batchSize: 1, atomic: true).get()
        #expect(totals.commits == 1 && totals.events == 7 && totals.committedThroughLine == 7)
        #expect(try readWholeLog(ledger).map(\.commit.events.count) == [7])
    }

    @Test("blank lines are skipped but counted, and CRLF line endings work")
    func blankLinesAndCRLF() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.file("ledger"))
        let content = "\(Lines.defineOrder)\r\n\r\n   \r\n\t\n\(Lines.registerPlaced)\r\n\n\(Lines.link("u1", "o1", ["note": .string("a\r\nb")]))"
        let totals = try ImportRun.run(Array(content.utf8), into: ledger, in: directory, batchSize: 2).get()
        #expect(totals.lines == 7)
        #expect(totals.operations == 3)
        #expect(totals.commits == 2)
        #expect(totals.committedThroughLine == 7)
        #expect(try ledger.relationships(of: person("u1")).links.map(\.attributes) == [["note": .string("a\r\nb")]])

        // Line numbers count blank lines, so an error points at the right line.
        let second = try makeLedger(in: directory.file("second"))
        let bad = "\(Lines.defineOrder)\r\n\r\n\r\n{\"op\":\"nope\"}\r\n"
        guard case .failure(let failure) = try ImportRun.run(Array(bad.utf8), into: second, in: directory) else {
            Issue.record("the import succeeded")
            return
        }
        #expect(failure.line == 4)
        #expect(failure.error.code == .invalidField)
        #expect(second.headSeq == 0)
    }

    @Test("a file of only blank lines makes no commit", arguments: ["\n", "\n\n  \n\t\r\n", "\r\n"])
    func onlyBlankLines(content: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.file("ledger"))
        let totals = try ImportRun.run(Array(content.utf8), into: ledger, in: directory).get()
        #expect(totals.commits == 0 && totals.operations == 0)
        #expect(ledger.headSeq == 0)
    }

    @Test("an over-long line after good ones stops at its line number")
    func overlongLineAfterGoodOnes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try makeLedger(in: directory.file("ledger"))
        let limit = 100
        let atLimit = Lines.defineAccount + String(repeating: " ", count: limit - Lines.defineAccount.utf8.count)
        let file = Lines.text([Lines.defineOrder, atLimit, atLimit + " ", Lines.registerPlaced])
        guard case .failure(let failure) = try ImportRun.run(file, into: ledger, in: directory, batchSize: 1, lineBytesMax: limit) else {
            Issue.record("the import succeeded")
            return
        }
        #expect(failure.line == 3)
        #expect(failure.error.code == .invalidField)
        #expect(failure.totals.committedThroughLine == 2)
        #expect(ledger.headSeq == 2)
    }
}

@Suite("Line reader")
struct LineReaderTests {
    private func lines(of bytes: [UInt8], lineBytesMax: Int = Limits.operationLineBytesMax) throws -> [[UInt8]] {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        try Files.write(directory.file("input"), bytes)
        let reader = try LineReader(path: directory.file("input"), lineBytesMax: lineBytesMax)
        var lines: [[UInt8]] = []
        while let line = try reader.nextLine() { lines.append(Array(line)) }
        #expect(try reader.nextLine() == nil)
        return lines
    }

    @Test("a line reader returns every line of a file, then nil")
    func everyLineThenNil() throws {
        #expect(try lines(of: Array("a\nb\n".utf8)) == [[97], [98]])
        #expect(try lines(of: Array("a\nb".utf8)) == [[97], [98]])
        #expect(try lines(of: Array("a\r\n\r\nb\r\n".utf8)) == [[97], [], [98]])
        #expect(try lines(of: Array("\n".utf8)) == [[]])
        #expect(try lines(of: []) == [])
    }

    @Test("a newline just past a read chunk boundary still ends its line")
    func linesAcrossChunkBoundaries() throws {
        let chunk = LineReader.chunkBytes
        // Line 1 is consumed from the first chunk; line 2 ends 10 bytes into
        // the second chunk, line 3 right after it.
        let first = [UInt8](repeating: UInt8(ascii: "a"), count: 99)
        let second = [UInt8](repeating: UInt8(ascii: "b"), count: chunk - 100 + 10)
        let third: [UInt8] = [UInt8(ascii: "c")]
        let file = first + [10] + second + [10] + third + [10]
        #expect(try lines(of: file) == [first, second, third])
    }
}
