import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

/// Every single-bit flip before the last commit, not a sample: a flip there
/// is damage to an acknowledged commit and must be refused, never mistaken
/// for a torn tail (which would cut acknowledged commits off).
@Suite("Bit flips")
struct BitFlipTests {
    /// The error reading `layout`'s log from `commit` (the bytes before it
    /// are untouched) ends in; nil when it reads to the end (a torn tail, if
    /// any, left to be cut off).
    private static func scanError(_ layout: LedgerLayout, from commit: ScannedCommit) throws -> LedgerError? {
        let log = try LogFile(layout, writable: false)
        var scanner = log.scanner(from: commit.offset, expectedSeq: commit.commit.firstSeq, expectedPrevious: commit.commit.previousHash)
        do {
            while try scanner.next() != nil {}
        } catch {
            return error
        }
        return nil
    }

    @Test("every bit of every byte before the last commit is damage naming that commit's seq and offset")
    func everyBitBeforeTheLastCommit() throws {
        let story = try Story()
        let commits = try readWholeLog(story.ledger)
        let log = try Files.read(story.directory.file("log.jsonl"))
        let scratch = try TemporaryDirectory("ties-flips-", in: TemporaryDirectory.memoryBacked)
        defer { scratch.cleanUp() }
        let layout = LedgerLayout(directory: scratch.path)
        let last = try #require(commits.last)
        var missed: [String] = []
        for position in 0..<Int(last.offset) {
            let owner = try #require(commits.last { $0.offset <= Int64(position) })
            for bit in 0..<8 {
                var damaged = log
                damaged[position] ^= 1 << bit
                try Files.write(layout.log, damaged)
                let error = try Self.scanError(layout, from: owner)
                if error?.code != .ledgerDamaged || error?.details["seq"] != .int(owner.commit.firstSeq) || error?.details["offset"] != .int(owner.offset) {
                    missed.append("byte \(position) bit \(bit) (commit at \(owner.offset)): \(error.map { "\($0)" } ?? "read as a torn tail")")
                }
            }
        }
        #expect(missed.isEmpty, "\(missed.count) flips not refused as damage at their commit, e.g. \(missed.prefix(3))")
    }

    @Test("a flipped newline between the last two commits refuses to open, naming the first of them", arguments: 0..<8)
    func flippedNewlineBeforeTheLastCommit(bit: Int) throws {
        let story = try Story()
        let commits = try readWholeLog(story.ledger)
        let directory = try story.directory.subdirectory("flipped")
        var log = try Files.read(story.directory.file("log.jsonl"))
        let secondLast = commits[commits.count - 2]
        log[Int(secondLast.endOffset) - 1] ^= 1 << bit
        try Files.write(directory + "/log.jsonl", log)
        for access in [Ledger.Access.write, .read] {
            let error = expectLedgerError(.ledgerDamaged) { try Ledger.open(at: directory, access: access) }
            #expect(error?.details["seq"] == .int(secondLast.commit.firstSeq) && error?.details["offset"] == .int(secondLast.offset),
                    "\(String(describing: error))")
        }
        #expect(try Files.read(directory + "/log.jsonl") == log, "the refused open changed the log")
    }
}
