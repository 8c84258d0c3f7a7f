import Foundation
import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

// The crash model for SQLite's files: the projection, its -wal and -shm, and
// the snapshots are derived data, so whatever happens to them — deleted,
// truncated, bytes overwritten, rolled back to an older copy — between runs
// or while a writer has them open, the next open either recovers (from a
// snapshot or the log) and then answers exactly as a fresh replay of the log
// does, or refuses with a storage error (CLI exit 3) that names the file.
// Never a wrong answer.
//
// Each trial runs the crash suite's workload (`CrashWorkload`) on the real
// file system, damages one file at a random step, and judges the reopen.
// TIES_SQLITE_CRASH_TRIALS=N runs N trials (24 in CI; `.ci/sqlite-crash`
// runs 500), from TIES_SQLITE_CRASH_SEED (printed with every failure).

/// What happens to the file.
enum FileDamage: String, CaseIterable, Sendable {
    case delete
    /// Cut to a random length shorter than it is.
    case truncate
    /// 1–64 random bytes written at a random offset, or a whole 4 KiB page of them.
    case corrupt
    /// Replaced by the copy taken at an earlier step.
    case rollBack
}

/// Which of SQLite's files.
enum SQLiteFile: String, CaseIterable, Sendable {
    case projection, wal, shm
    /// The newest snapshot (rolled back: an older snapshot's bytes under its name).
    case snapshot
    /// The projection and its -wal together, as a consistent older pair.
    case projectionAndWal
}

/// One trial, drawn from its seed.
struct SQLiteCrashTrial: CustomStringConvertible {
    let seed: UInt64
    let file: SQLiteFile
    let damage: FileDamage
    /// With the writer open (its connection keeps going), or between two runs.
    let whileOpen: Bool
    /// The damage comes after this many workload steps …
    let step: Int
    /// … and a rollback restores the copy taken after this many (< step).
    let copyStep: Int
    /// Between runs: the writer's files as a crash leaves them (its
    /// projection and -wal, not checkpointed), not as a clean close does.
    let afterCrash: Bool

    init(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        self.seed = seed
        file = SQLiteFile.allCases.randomElement(using: &random)!
        damage = FileDamage.allCases.randomElement(using: &random)!
        // SQLite maps the -shm into the memory of every process that has the
        // projection open: a -shm cut shorter under it is SIGBUS, a crash
        // (the next open recovers, as between runs), and would end the test
        // process too. Deleting it or changing bytes in place is fair.
        let shrinksMappedFile = file == .shm && (damage == .truncate || damage == .rollBack)
        // A rollback under an open writer is outside the model: SQLite ties
        // no WAL to its database and keeps no version on its pages, so the
        // writer's WAL frames are checkpointed over the older file's pages
        // and no open short of replaying the log could tell the mix. A
        // restore is of the ledger's files, with no server running: every
        // rollback is between runs. A -wal rolled back alone beside a newer
        // projection.sqlite, or the file alone beside the -wal a crash left,
        // is in: the writer's open compares the two (`ProjectionFileAlone`).
        whileOpen = Bool.random(using: &random) && !shrinksMappedFile && damage != .rollBack
        step = Int.random(in: 2...CrashWorkload.steps.count, using: &random)
        copyStep = Int.random(in: 1..<step, using: &random)
        afterCrash = !whileOpen && Bool.random(using: &random)
    }

    var description: String {
        "\(damage) \(file) \(whileOpen ? "while open" : afterCrash ? "between runs, after a crash" : "between runs") after step \(step)"
            + (damage == .rollBack ? " (copy of step \(copyStep))" : "") + " (TIES_SQLITE_CRASH_SEED=\(seed))"
    }
}

/// How a reopen after the damage turned out.
enum SQLiteCrashVerdict: Equatable {
    /// Opened and answered exactly as a fresh replay of the log.
    case recovered(warned: Bool)
    /// Refused with a storage error naming the file.
    case refused
    /// Opened, but a query failed with a storage error (not a wrong answer).
    case refusedLater
    /// Anything else: a wrong answer, or a refusal that does not say which file.
    case wrong(String)
}

extension SQLiteCrashVerdict {
    /// How the tally names it.
    var outcome: String {
        switch self {
        case .recovered(let warned): warned ? "recovered with a warning" : "recovered with nothing to warn about"
        case .refused: "refused naming the file"
        case .refusedLater: "opened, then refused a query"
        case .wrong: "wrong"
        }
    }
}

/// Totals over many trials, by outcome.
struct SQLiteCrashTally: CustomStringConvertible {
    static let outcomes = ["recovered with a warning", "recovered with nothing to warn about", "refused naming the file",
                           "opened, then refused a query", "wrong"]
    private(set) var counts: [String: Int] = [:]

    var trials: Int { counts.values.reduce(0, +) }
    var wrong: Int { counts["wrong", default: 0] }

    mutating func add(_ verdict: SQLiteCrashVerdict) { counts[verdict.outcome, default: 0] += 1 }

    var description: String {
        "\(trials) trials: " + Self.outcomes.map { "\(counts[$0, default: 0]) \($0)" }.joined(separator: ", ")
    }
}

@Suite("Crash model for SQLite's files")
struct SQLiteFileCrashTests {
    static let environment = ProcessInfo.processInfo.environment
    static let trials = environment["TIES_SQLITE_CRASH_TRIALS"].flatMap { Int($0) } ?? 24
    static let baseSeed = environment["TIES_SQLITE_CRASH_SEED"].flatMap { UInt64($0) } ?? 0x5_91_7E

    /// The records whose answers are compared, at every seq.
    static let records = Array(CrashWorkload.records.prefix(3)) + Array(CrashWorkload.records.dropFirst(4).prefix(4))

    @Test("Damage to the projection, its -wal or -shm, or a snapshot: every open recovers and answers as a fresh replay, or refuses naming the file")
    func everyOpenRecoversOrRefuses() throws {
        let root = try TemporaryDirectory("ties-sqlite-crash-", in: TemporaryDirectory.memoryBacked)
        defer { root.cleanUp() }
        var tally = SQLiteCrashTally()
        for index in 0..<Self.trials {
            let trial = SQLiteCrashTrial(seed: Self.baseSeed &+ UInt64(index))
            let verdict: SQLiteCrashVerdict
            do {
                verdict = try Self.run(trial, in: root.file("\(index)"))
            } catch {
                verdict = .wrong("the trial itself failed: \(error)")
            }
            tally.add(verdict)
            if Self.environment["TIES_SQLITE_CRASH_VERBOSE"] != nil { print("\(trial): \(verdict)") }
            if case .wrong(let why) = verdict { Issue.record("\(trial): \(why)") }
            try? Files.remove(root.file("\(index)"))  // Scratch; every trial starts afresh.
        }
        print("SQLite file crash model: \(tally) (TIES_SQLITE_CRASH_SEED=\(Self.baseSeed))")
        #expect(tally.wrong == 0)
        #expect(tally.trials == Self.trials)
    }

    /// Runs the workload, damages the file, reopens and judges.
    static func run(_ trial: SQLiteCrashTrial, in directory: String) throws -> SQLiteCrashVerdict {
        let layout = LedgerLayout(directory: directory)
        try Ledger.create(layout)
        try Files.write(layout.config, CrashWorkload.config)
        let copies = directory + ".copies"
        try FileManager.default.createDirectory(atPath: copies, withIntermediateDirectories: false)
        defer { try? Files.remove(copies) }

        var ledger: Ledger? = try Ledger.open(layout, access: .write)
        var acknowledged: [CommitMark] = []
        for (index, step) in CrashWorkload.steps.enumerated() {
            if index == trial.step, !trial.whileOpen {
                let crashed = trial.afterCrash ? try layout.projectionFiles.map { ($0, Files.exists($0) ? try Files.read($0) : nil) } : []
                ledger?.close()
                ledger = nil
                for (file, bytes) in crashed { if let bytes { try Files.write(file, bytes) } }
                try damage(trial, layout, copies: copies)
                break
            }
            if index == trial.step { try damage(trial, layout, copies: copies) }
            do {
                if let ledger {
                    try CrashWorkload.perform(step, on: ledger, now: CrashWorkload.start.adding(milliseconds: Int64(index) * 60_000),
                                              acknowledged: &acknowledged, snapshotsIntact: index < trial.step)
                }
            } catch {
                // The writer may refuse to go on once its files are damaged under it: it stops there.
                guard trial.whileOpen && index >= trial.step else { throw error }
                break
            }
            if index + 1 == trial.copyStep { try keepCopies(layout, in: copies) }
        }
        if let open = ledger {
            if trial.step == CrashWorkload.steps.count { try damage(trial, layout, copies: copies) }
            open.close()
        }
        return try judge(layout, trial: trial, acknowledged: acknowledged)
    }

    /// The files as they are now, for a later rollback.
    static func keepCopies(_ layout: LedgerLayout, in copies: String) throws {
        for file in layout.projectionFiles where Files.exists(file) {
            try Files.write(copies + "/" + (file as NSString).lastPathComponent, try Files.read(file))
        }
        let snapshots = try SnapshotStore(layout: layout).files()
        if let oldest = snapshots.last { try Files.write(copies + "/snapshot", try Files.read(oldest.path)) }
    }

    static func damage(_ trial: SQLiteCrashTrial, _ layout: LedgerLayout, copies: String) throws {
        var random = SplitMix64(seed: trial.seed ^ 0xDA3A_6E)
        let newestSnapshot = try SnapshotStore(layout: layout).files().first?.path
        let targets: [(path: String, copy: String)] = switch trial.file {
        case .projection: [(layout.projection, copies + "/projection.sqlite")]
        case .wal: [(layout.projection + "-wal", copies + "/projection.sqlite-wal")]
        case .shm: [(layout.projection + "-shm", copies + "/projection.sqlite-shm")]
        // With the projection gone too, so that the next open needs the snapshot.
        case .snapshot: (newestSnapshot.map { [($0, copies + "/snapshot")] } ?? []) + [(layout.projection, "")]
        case .projectionAndWal: [(layout.projection, copies + "/projection.sqlite"), (layout.projection + "-wal", copies + "/projection.sqlite-wal")]
        }
        for (path, copy) in targets {
            if copy.isEmpty {
                for file in layout.projectionFiles { try? Files.remove(file) }
                continue
            }
            switch trial.damage {
            case .delete:
                try? Files.remove(path)  // May not exist (a WAL after a clean close).
            case .truncate:
                guard let bytes = try? Files.read(path), !bytes.isEmpty else { continue }
                try overwrite(path, with: Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random))))
            case .corrupt:
                guard let size = try? Files.read(path).count, size > 0, let handle = FileHandle(forWritingAtPath: path) else { continue }
                defer { try? handle.close() }
                let page = Bool.random(using: &random)
                let at = page ? Int.random(in: 0..<max(1, size / 4096), using: &random) * 4096 : Int.random(in: 0..<size, using: &random)
                let count = min(size - at, page ? 4096 : Int.random(in: 1...64, using: &random))
                try handle.seek(toOffset: UInt64(at))
                try handle.write(contentsOf: Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }))
            case .rollBack:
                if Files.exists(copy) {
                    try overwrite(path, with: try Files.read(copy))
                } else {
                    try? Files.remove(path)  // The older state had no such file.
                }
            }
        }
    }

    /// Writes over the file in place, as a disk or another program would:
    /// a writer that has it open sees the new bytes.
    static func overwrite(_ path: String, with bytes: [UInt8]) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else { return try Files.write(path, bytes) }
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(bytes))
    }

    /// Reopens and compares with a fresh replay of the log.
    static func judge(_ layout: LedgerLayout, trial: SQLiteCrashTrial, acknowledged: [CommitMark]) throws -> SQLiteCrashVerdict {
        let warnings = WarningLog()
        let reopened: Ledger
        do {
            reopened = try Ledger.open(at: layout.directory, access: .write, warn: warnings.sink)
        } catch {
            guard error.code.isStorageFailure else { return .wrong("refused with \(error.code): \(error.message)") }
            let named = ["projection.sqlite", "snapshot-"].contains { error.message.contains($0) }
            return named ? .refused : .wrong("refused without naming the file: \(error.message)")
        }
        defer { reopened.close() }
        let log = try readWholeLog(reopened).map(CommitMark.init)
        let lost = acknowledged.filter { !log.contains($0) }
        guard lost.isEmpty else { return .wrong("acknowledged commits lost: \(lost)") }
        let answers: Answers
        do {
            answers = try Answers(reopened, records: records)
        } catch let error as LedgerError where error.code.isStorageFailure {
            return .refusedLater
        }

        let replay = layout.directory + ".replay"
        try FileManager.default.createDirectory(atPath: replay, withIntermediateDirectories: false)
        defer { try? Files.remove(replay) }
        try Files.write(replay + "/log.jsonl", try Files.read(layout.log))
        let fresh = try Ledger.open(at: replay, access: .write)
        defer { fresh.close() }
        let expected = try Answers(fresh, records: records)
        if answers == expected { return .recovered(warned: !warnings.messages.isEmpty) }
        if answers.refusesAQuery(where: expected) { return .refusedLater }
        return .wrong("the answers differ from a fresh replay of the log (head \(answers.headSeq) vs \(expected.headSeq)); warnings: \(warnings.messages)")
    }
}

extension Answers {
    /// Every answer that differs from `expected` is a storage error, not a
    /// different value.
    func refusesAQuery(where expected: Answers) -> Bool {
        var same = expected
        same.shows = shows
        same.histories = histories
        guard same == self, shows.count == expected.shows.count else { return false }
        let differing = zip(shows, expected.shows).filter { $0 != $1 }.map { $0.0.map { _ in () } }
            + zip(histories, expected.histories).filter { $0 != $1 }.map { $0.0.map { _ in () } }
        return !differing.isEmpty && differing.allSatisfy { answer in
            if case .failure(let error) = answer { return error.code.isStorageFailure }
            return false
        }
    }
}

@Suite("A -wal from another time beside the projection")
struct StaleWALTests {
    static let records = [person("ada"), record("order", "o-1"), record("order", "o-2"), record("order", "o-3")]

    /// A ledger with a few commits, the writer still open (its WAL holds them).
    private func openLedger(in directory: TemporaryDirectory) throws -> Ledger {
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("order"), Op.register(Keys.placed), Op.link(Keys.placed, "ada", "o-1")], metadata: metadata(), now: time("2026-03-01T00:00:00Z"))
        return ledger
    }

    private func more(_ ledger: Ledger, _ order: String, minute: Int) throws {
        _ = try ledger.commit([Op.link(Keys.placed, "ada", order, ["n": .int(Int64(minute))])], metadata: metadata(), now: time("2026-03-01T00:00:00Z").adding(milliseconds: Int64(minute) * 60_000))
    }

    /// Reopens with `wal` put back beside the projection; the warnings.
    private func reopen(_ directory: TemporaryDirectory, putting wal: [UInt8], expect answers: Answers) throws -> [String] {
        try Files.write(directory.file("projection.sqlite-wal"), wal)
        let warnings = WarningLog()
        let reopened = try Ledger.open(at: directory.path, access: .write, warn: warnings.sink)
        defer { reopened.close() }
        #expect(try Answers(reopened, records: Self.records) == answers)
        return warnings.messages
    }

    @Test("an older -wal put back beside a newer projection file is not laid over it: the projection is restored, with a warning")
    func olderWALIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try openLedger(in: directory)
        try more(ledger, "o-2", minute: 1)
        let olderWAL = try Files.read(directory.file("projection.sqlite-wal"))
        try more(ledger, "o-3", minute: 2)
        _ = try ledger.commit([Op.unlink(Keys.placed, "ada", "o-1")], metadata: metadata(), now: time("2026-03-01T00:03:00Z"))
        let answers = try Answers(ledger, records: Self.records)
        ledger.close()
        #expect(!Files.exists(directory.file("projection.sqlite-wal")), "a clean close checkpoints and removes the WAL")

        let warnings = try reopen(directory, putting: olderWAL, expect: answers)
        #expect(warnings.count == 1 && warnings[0].contains("its -wal is older than the file"), "\(warnings)")
    }

    @Test("a -wal of another projection file (before a rebuild, or a restore from a snapshot) is not laid over the new one",
          arguments: [true, false])
    func walOfAnotherFileIsRefused(fullRebuild: Bool) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try openLedger(in: directory)
        try more(ledger, "o-2", minute: 1)
        // A copy of the very file the WAL belongs to would lay out its pages alike.
        if !fullRebuild { _ = try ledger.takeSnapshot() }
        let walBeforeRebuild = try Files.read(directory.file("projection.sqlite-wal"))
        #expect(try ledger.rebuild(full: fullRebuild).fromSeq == (fullRebuild ? 0 : ledger.headSeq))
        let answers = try Answers(ledger, records: Self.records)
        ledger.close()

        let warnings = try reopen(directory, putting: walBeforeRebuild, expect: answers)
        #expect(warnings.count == 1 && warnings[0].contains("its -wal belongs to another projection file"), "\(warnings)")
    }

    /// Enough commits for the writer's automatic checkpoint to copy every
    /// frame into the file, so that the WAL starts over; the file alone's
    /// log end offset after them.
    @discardableResult
    private func commitsPastACheckpoint(_ ledger: Ledger, from minute: Int, in directory: TemporaryDirectory) throws -> Int64 {
        let before = ProjectionFileAlone.read(path: directory.file("projection.sqlite"))?.logEndOffset ?? -1
        for step in 0..<200 { try more(ledger, "o-\(step % 3 + 1)", minute: minute + step) }
        let after = try #require(ProjectionFileAlone.read(path: directory.file("projection.sqlite"))).logEndOffset
        #expect(after > before, "no checkpoint reached the file")
        return after
    }

    @Test("the file's own -wal, as a crash leaves it (after checkpoints that started it over), is used as it is: no warning, no rebuild")
    func ownWALIsKept() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try openLedger(in: directory)
        try commitsPastACheckpoint(ledger, from: 1, in: directory)
        try more(ledger, "o-2", minute: 1_000)
        let crashImage = (try Files.read(directory.file("projection.sqlite")), try Files.read(directory.file("projection.sqlite-wal")))
        try more(ledger, "o-3", minute: 1_001)
        let answers = try Answers(ledger, records: Self.records)
        ledger.close()
        try Files.write(directory.file("projection.sqlite"), crashImage.0)

        let warnings = try reopen(directory, putting: crashImage.1, expect: answers)
        #expect(warnings.isEmpty, "\(warnings)")
    }

    @Test("an older projection.sqlite put back beside the -wal a crash left (the WAL started over after it) is not used: restored, with a warning")
    func olderFileBesideACrashWALIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ledger = try openLedger(in: directory)
        try commitsPastACheckpoint(ledger, from: 1, in: directory)
        let olderFile = try Files.read(directory.file("projection.sqlite"))
        try commitsPastACheckpoint(ledger, from: 1_000, in: directory)
        try more(ledger, "o-2", minute: 2_000)
        let crashWAL = try Files.read(directory.file("projection.sqlite-wal"))
        let answers = try Answers(ledger, records: Self.records)
        ledger.close()
        try Files.write(directory.file("projection.sqlite"), olderFile)

        let warnings = try reopen(directory, putting: crashWAL, expect: answers)
        #expect(warnings.count == 1 && warnings[0].contains("the file is older than its -wal"), "\(warnings)")
    }

    @Test("the file alone is read at any path (URI-escaped), without its WAL's pages", arguments: ["plain.sqlite", "a ?b=1#c%2F d é.sqlite"])
    func fileAloneReadsTheFileWithoutItsWAL(name: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file(name)
        let db = try SQLiteConnection(path: path)
        defer { db.close() }
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("CREATE TABLE t (v INTEGER)")
        try db.execute("INSERT INTO t VALUES (1)")
        try db.truncateWAL(after: "the first row")
        try db.execute("INSERT INTO t VALUES (2)")  // In the WAL only.
        let alone = try SQLiteConnection(path: path, fileAlone: true)
        defer { alone.close() }
        let count = try alone.statement("SELECT count(*) FROM t")
        defer { count.reset() }
        #expect(try count.step() && count.int(0) == 1)
    }
}

@Suite("A page SQLite still reads as valid")
struct SilentPageDamageTests {
    @Test("cell pointers overwritten in a history table's page (SQLite alone reads it as valid): the history that reads it is refused, ties verify names the page")
    func damageSQLiteReadsAsValidIsRefused() throws {
        let story = try Story()
        story.ledger.close()
        let path = story.directory.file("projection.sqlite")
        let (page, pageBytes) = try {
            let db = try SQLiteConnection(path: path, readOnly: true)
            defer { db.close() }
            let root = try db.statement("SELECT rootpage FROM sqlite_master WHERE name = 'record_events'")
            defer { root.reset() }
            let size = try db.statement("PRAGMA page_size")
            defer { size.reset() }
            return (try root.step() ? root.int(0) : 0, try size.step() ? size.int(0) : 0)
        }()
        #expect(page > 1 && pageBytes > 0)
        // The first cell pointers (after the 8-byte header of a leaf page) now point past the page.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64((page - 1) * pageBytes + 8))
        try handle.write(contentsOf: Data([0xFF, 0xF0, 0xFF, 0xF0]))
        try handle.close()

        let report = try Verifier.verify(directory: story.directory.path)
        #expect(report.replayDigest == report.projectionDigest, "the digest covers current state only")
        #expect(report.problems.contains { $0.message.contains("SQLite finds the projection damaged (page \(page) fails its checksum") },
                "\(report.problems)")
        let ledger = try Ledger.open(at: story.directory.path, access: .write)
        defer { ledger.close() }
        #expect { _ = try ledger.history(of: Story.u1) } throws: { ($0 as? LedgerError)?.code == .ledgerDamaged }
    }
}
