import Testing
import TiesCore
@testable import TiesStore
import TiesTestSupport

@Suite("Damage in the middle of the log")
struct DamageTests {
    /// The story ledger (8 commits), closed; its log and where each commit starts.
    final class Fixture {
        let directory: TemporaryDirectory
        let log: [UInt8]
        let commits: [ScannedCommit]

        init() throws {
            (directory, commits) = try Self.closedStory()
            log = try Files.read(directory.file("log.jsonl"))
            #expect(commits.count == 8)
            #expect(Files.lineRanges(log).map { Int64($0.lowerBound) } == commits.map(\.offset))
        }

        private static func closedStory() throws -> (TemporaryDirectory, [ScannedCommit]) {
            let story = try Story()
            return (story.directory, try readWholeLog(story.ledger))
        }

        /// Opens `damaged` as the log with no projection: must fail naming `commit`.
        func expectRefusal(_ damaged: [UInt8], naming commit: ScannedCommit, _ what: String) throws {
            try Files.write(directory.file("log.jsonl"), damaged)
            try Files.removeProjection(in: directory.path)
            let warnings = WarningLog()
            for access in [Ledger.Access.write, .read] {
                let error = expectLedgerError(.ledgerDamaged, "\(what)") {
                    try Ledger.open(at: directory.path, access: access, warn: warnings.sink)
                }
                #expect(error?.details["seq"] == .int(commit.commit.firstSeq), "\(what): \(error.map { "\($0)" } ?? "")")
                #expect(error?.details["offset"] == .int(commit.offset), "\(what): \(error.map { "\($0)" } ?? "")")
                #expect(error?.message.contains("\(commit.offset)") == true, "\(what)")
            }
            #expect(warnings.messagesBesidesMissingProjection.isEmpty, "\(what)")
            #expect(try Files.read(directory.file("log.jsonl")) == damaged, "\(what): the failed open changed the log")
            #expect(try directory.contents().filter { $0.hasPrefix("log.jsonl.") }.isEmpty, "\(what)")
        }
    }

    /// Positions inside a line to flip: its first byte, its middle, a byte of
    /// the hash member, and the closing brace.
    static func positions(in line: Range<Int>) -> [(String, Int)] {
        [("first byte", line.lowerBound), ("middle", (line.lowerBound + line.upperBound) / 2),
         ("hash", line.upperBound - 10), ("closing brace", line.upperBound - 2)]
    }

    @Test("a flipped byte in any commit but the last refuses to open, naming its seq and offset")
    func flippedByteInMiddleCommit() throws {
        let fixture = try Fixture()
        let lines = Files.lineRanges(fixture.log)
        for index in 0..<(fixture.commits.count - 1) {
            for (name, position) in Self.positions(in: lines[index]) {
                var damaged = fixture.log
                damaged[position] ^= 0x01
                #expect(damaged[position] != UInt8(ascii: "\n"))
                try fixture.expectRefusal(damaged, naming: fixture.commits[index], "commit \(index + 1), \(name) at byte \(position)")
            }
        }
    }

    @Test("a missing newline between two commits is damage at the first of them")
    func joinedLines() throws {
        let fixture = try Fixture()
        let lines = Files.lineRanges(fixture.log)
        var damaged = fixture.log
        damaged.remove(at: lines[3].upperBound - 1)
        try fixture.expectRefusal(damaged, naming: fixture.commits[3], "joined lines 4 and 5")
    }

    @Test("a commit re-sealed after an edit breaks the chain at the next commit")
    func editedAndResealedCommit() throws {
        let fixture = try Fixture()
        let lines = Files.lineRanges(fixture.log)
        var edited = fixture.commits[2].commit
        edited.actor = "mallory"
        let resealed = try CommitCodec.seal(edited)
        var damaged = Array(fixture.log[0..<lines[2].lowerBound]) + resealed.line + Array(fixture.log[lines[2].upperBound...])
        // The edited commit itself is well-formed; the next one's `prev` no longer matches.
        let shift = Int64(resealed.line.count - lines[2].count)
        let next = fixture.commits[3]
        let moved = ScannedCommit(sealed: next.sealed, offset: next.offset + shift)
        try fixture.expectRefusal(damaged, naming: moved, "actor of commit 3 edited and re-sealed")

        // A commit removed from the middle: seq continuity breaks at the one after it.
        damaged = Array(fixture.log[0..<lines[4].lowerBound]) + Array(fixture.log[lines[5].lowerBound...])
        try fixture.expectRefusal(damaged, naming: fixture.commits[4], "commit 5 removed")
    }

    @Test("two commits swapped are damage at the first of them")
    func swappedCommits() throws {
        let fixture = try Fixture()
        let lines = Files.lineRanges(fixture.log)
        let damaged = Array(fixture.log[0..<lines[4].lowerBound]) + Array(fixture.log[lines[5]]) + Array(fixture.log[lines[4]])
            + Array(fixture.log[lines[6].lowerBound...])
        try fixture.expectRefusal(damaged, naming: fixture.commits[4], "commits 5 and 6 swapped")
    }

    @Test("the log is left as it was and opens again once the damage is undone")
    func undoneDamageOpens() throws {
        let fixture = try Fixture()
        var damaged = fixture.log
        damaged[Int(fixture.commits[1].offset) + 30] ^= 0x40
        try fixture.expectRefusal(damaged, naming: fixture.commits[1], "commit 2")
        try Files.write(fixture.directory.file("log.jsonl"), fixture.log)
        let ledger = try Ledger.open(at: fixture.directory.path, access: .write)
        #expect(ledger.headSeq == 9)
        expectIntactChain(try readWholeLog(ledger))
    }
}
