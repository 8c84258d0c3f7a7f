import Testing
import TiesCore
@testable import TiesStore
import TiesTestSupport

/// What the projection holds when the process died mid-append.
enum ProjectionAtCrash: String, CaseIterable, CustomTestStringConvertible {
    /// Caught up to the commit before the torn one (the usual crash).
    case upToPreviousCommit
    /// Gone: the whole log is replayed on open.
    case missing

    var testDescription: String { rawValue }
}

@Suite("Torn tail")
struct TornTailTests {
    /// The story ledger (seqs 1–9), closed: its log and projection files,
    /// the answers it gives, and the line of one more (two-event) commit
    /// that the ledger itself wrote on top of it.
    final class Fixture {
        let directory: TemporaryDirectory
        let logBefore: [UInt8]
        let projectionBefore: [String: [UInt8]]
        let answersBefore: Answers
        let lastLine: [UInt8]

        init() throws {
            (directory, answersBefore) = try Self.closedStory()
            let layout = LedgerLayout(directory: directory.path)
            logBefore = try Files.read(layout.log)
            var projection: [String: [UInt8]] = [:]
            for file in layout.projectionFiles where Files.exists(file) {
                projection[String(file.dropFirst(layout.directory.count + 1))] = try Files.read(file)
            }
            projectionBefore = projection
            let ledgerDirectory = directory.path
            let writer = try Ledger.open(at: ledgerDirectory, access: .write)
            let receipt = try writer.commit(
                [Op.link(Keys.placed, "u 2", "o/2", ["note": .string("déjà vu 🎉"), "n": .double(1.5)]), Op.link(Keys.contains, "o/2", "li:2")],
                metadata: metadata("zoe", reason: "the commit that tears"), now: Story.at(minute: 10))
            #expect(receipt.firstSeq == 10 && receipt.lastSeq == 11)
            let full = try Files.read(LedgerLayout(directory: ledgerDirectory).log)
            #expect(Array(full.prefix(logBefore.count)) == logBefore)
            lastLine = Array(full[logBefore.count...])
            #expect(lastLine.last == UInt8(ascii: "\n"))
        }

        /// Builds the story, keeps its answers, and closes its ledger.
        private static func closedStory() throws -> (TemporaryDirectory, Answers) {
            let story = try Story()
            return (story.directory, try Answers(story.ledger, records: Story.records))
        }

        /// A new ledger directory holding `log` and the projection as `state` says.
        func crashedLedger(named name: String, log: [UInt8], projection state: ProjectionAtCrash) throws -> String {
            let path = try directory.subdirectory(name)
            try Files.write(path + "/log.jsonl", log)
            if state == .upToPreviousCommit {
                for (file, bytes) in projectionBefore { try Files.write(path + "/" + file, bytes) }
            }
            return path
        }
    }

    /// Opens a ledger whose log ends in `tail` (after whole commits that
    /// give `fixture.answersBefore`) and checks recovery: one warning, the
    /// tail kept aside and cut off, the answers unchanged, appends working.
    private func expectRecovery(_ fixture: Fixture, path: String, tail: [UInt8], _ what: String) throws {
        let warnings = WarningLog()
        let ledger = try Ledger.open(at: path, access: .write, warn: warnings.sink)
        let offset = fixture.logBefore.count
        let kept = path + "/log.jsonl.torn-at-\(offset)"
        let torn = warnings.messagesBesidesMissingProjection
        #expect(torn.count == 1, "\(what)")
        #expect(torn.first?.contains("log.jsonl.torn-at-\(offset)") == true, "\(what): \(warnings.messages)")
        #expect(torn.first?.contains("\(tail.count) bytes") == true, "\(what): \(warnings.messages)")
        #expect(try Files.read(path + "/log.jsonl") == fixture.logBefore, "\(what)")
        #expect(try Files.read(kept) == tail, "\(what)")
        #expect(try Answers(ledger, records: Story.records) == fixture.answersBefore, "\(what)")
        #expect(try ledger.relationships(of: person("u 2")).links.isEmpty, "\(what)")

        let receipt = try ledger.commit([Op.link(Keys.placed, "u3", "o3")], metadata: metadata(), now: Story.at(minute: 20))
        #expect(receipt.firstSeq == fixture.answersBefore.headSeq + 1, "\(what)")
        let commits = try readWholeLog(ledger)
        expectIntactChain(commits)
        #expect(commits.count == 9, "\(what)")
        #expect(commits.last?.sealed.hash == ledger.headHash, "\(what)")
    }

    @Test("a log cut anywhere inside its last commit loses just that commit", arguments: ProjectionAtCrash.allCases)
    func cutInsideLastCommit(projection: ProjectionAtCrash) throws {
        let fixture = try Fixture()
        #expect(fixture.lastLine.count > 100)
        for cut in 1..<fixture.lastLine.count {
            let tail = Array(fixture.lastLine[0..<cut])
            let path = try fixture.crashedLedger(named: "cut-\(cut)", log: fixture.logBefore + tail, projection: projection)
            try expectRecovery(fixture, path: path, tail: tail, "cut at \(cut) of \(fixture.lastLine.count)")
            try Files.remove(path)
        }
    }

    @Test("a log cut exactly after a whole commit opens without a warning", arguments: ProjectionAtCrash.allCases)
    func cutAtCommitBoundary(projection: ProjectionAtCrash) throws {
        let fixture = try Fixture()
        let path = try fixture.crashedLedger(named: "boundary", log: fixture.logBefore, projection: projection)
        let warnings = WarningLog()
        let ledger = try Ledger.open(at: path, access: .write, warn: warnings.sink)
        #expect(warnings.messagesBesidesMissingProjection.isEmpty)
        #expect(try Answers(ledger, records: Story.records) == fixture.answersBefore)
        #expect(try Files.list(path).filter { $0.contains("torn") }.isEmpty)
    }

    static let junkTails: [(String, [UInt8])] = {
        var random = SplitMix64(seed: 0x7017)
        return [
            ("one zero byte", [0]),
            ("a page of zeros", [UInt8](repeating: 0, count: 4096)),
            ("zeros then a newline", [UInt8](repeating: 0, count: 300) + [10]),
            ("an empty line", [10]),
            ("three empty lines", [10, 10, 10]),
            ("a word", Array("garbage".utf8)),
            ("a line of garbage", Array("garbage\n".utf8)),
            ("JSON that is not a commit", Array("{\"v\":1,\"firstSeq\":10}\n".utf8)),
            ("random bytes", (0..<777).map { _ in UInt8(truncatingIfNeeded: random.next()) }),
        ]
    }()

    @Test("bytes after the last commit are cut off and kept, nothing is lost",
          arguments: ProjectionAtCrash.allCases, 0..<TornTailTests.junkTails.count)
    func junkAfterLastCommit(projection: ProjectionAtCrash, junk: Int) throws {
        let fixture = try Fixture()
        let (name, tail) = Self.junkTails[junk]
        // The projection of the "before" state is current here: nothing was torn off.
        let path = try fixture.crashedLedger(named: "junk", log: fixture.logBefore + tail, projection: projection)
        try expectRecovery(fixture, path: path, tail: tail, name)
    }

    @Test("a torn tail is cut off by a read-only open too when no writer is active")
    func readOnlyOpenCutsTornTail() throws {
        let fixture = try Fixture()
        let tail = Array(fixture.lastLine.prefix(50))
        let path = try fixture.crashedLedger(named: "reader", log: fixture.logBefore + tail, projection: .upToPreviousCommit)
        let warnings = WarningLog()
        let reader = try Ledger.open(at: path, access: .read, warn: warnings.sink)
        #expect(warnings.messages.count == 1)
        #expect(try Answers(reader, records: Story.records) == fixture.answersBefore)
        #expect(try Files.read(path + "/log.jsonl") == fixture.logBefore)
    }
}

