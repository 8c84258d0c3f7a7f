import Foundation
import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

// Storage faults on the simulated disk (`SimulatedFileSystem`): a crash at
// every I/O operation of a fixed workload under three power-loss models, a
// failing fsync, a full disk and short writes.
//
// Seeds: TIES_FAULT_SEED sets the base seed (printed with every result and
// failure); TIES_FAULT_SEEDS=N runs N seeds of the random models (1 in CI).

enum FaultSeeds {
    static let environment = ProcessInfo.processInfo.environment
    static let base: UInt64 = environment["TIES_FAULT_SEED"].flatMap { UInt64($0) } ?? 0x7135_FA17
    static let count = max(1, environment["TIES_FAULT_SEEDS"].flatMap { Int($0) } ?? 1)
    /// Dropping every unsynced write involves no chance: one seed is all.
    static func seeds(for model: CrashModel) -> [UInt64] {
        model == .dropUnsynced ? [base] : (0..<UInt64(count)).map { base &+ $0 }
    }

    /// The seed of one crash: distinct for every seed and crash point.
    static func caseSeed(_ seed: UInt64, _ point: Int) -> UInt64 { seed << 20 ^ UInt64(point) }

    /// How a failure names its case, so it can be run again.
    static func label(_ what: String, _ model: CrashModel, _ seed: UInt64, _ point: Int) -> String {
        "\(what), \(model), seed \(caseSeed(seed, point)) (TIES_FAULT_SEED=\(seed))"
    }
}

/// Where a commit is in the log: what "present and in order" compares.
struct CommitMark: Equatable, Sendable, CustomStringConvertible {
    var firstSeq: Int64
    var lastSeq: Int64
    var hash: String

    init(_ scanned: ScannedCommit) {
        (firstSeq, lastSeq, hash) = (scanned.commit.firstSeq, scanned.commit.lastSeq, scanned.sealed.hash)
    }

    init(_ receipt: CommitReceipt) throws {
        (firstSeq, lastSeq, hash) = (try #require(receipt.firstSeq), try #require(receipt.lastSeq), try #require(receipt.hash))
    }

    var description: String { "seqs \(firstSeq)–\(lastSeq) \(hash.prefix(12))…" }
}

/// What users can ask after a crash: the head and the current links of
/// every record the workload touches, and the projection's counts.
struct CrashAnswers: Equatable, Sendable {
    var headSeq: Int64
    var headHash: String
    var catalog: TypeCatalog
    var relationships: [Answer<RecordRelationships>]
    var counts: [Int64]

    init(_ ledger: Ledger) throws {
        headSeq = ledger.headSeq
        headHash = ledger.headHash
        catalog = ledger.catalog
        relationships = CrashWorkload.records.map { record in Answer { () throws(LedgerError) in try ledger.relationships(of: record) } }
        let stats = try ledger.stats()
        counts = [stats.commits, stats.currentLinks, stats.linkVersions]
    }
}

/// The fixed workload every crash point runs: create a ledger whose config
/// takes a snapshot every 4 commits (2 kept), then 35 commits (some with
/// several events, one group of three sharing one append and one sync) and,
/// in the middle, a rebuild from the newest snapshot.
enum CrashWorkload {
    enum Step {
        case commit([Operation])
        case group([[Operation]])
        /// Commits made as an import makes them: the projection applies
        /// them in one transaction, behind the log until it commits.
        case bulk([[Operation]])
        case rebuild(full: Bool)
    }

    static let config = Array(#"{"snapshotEveryCommits": 4, "snapshotsKept": 2}"#.utf8)
    static let start = time("2026-03-01T09:00:00Z")
    static let records = (0..<4).map { person("p\($0)") } + (0..<12).map { record("order", "o\($0)") }

    static let steps: [Step] = {
        var steps: [Step] = [
            .commit([Op.define("order"), Op.define("line_item")]),
            .commit([Op.register(Keys.placed, bidirectional: true)]),
            .commit([Op.register(Keys.contains, bidirectional: true)]),
        ]
        for index in 0..<12 {
            let (who, order) = ("p\(index % 4)", "o\(index)")
            steps.append(.commit([Op.link(Keys.placed, who, order, ["n": .int(Int64(index))])]))
            steps.append(.commit([Op.link(Keys.contains, order, "li\(index)a"), Op.link(Keys.contains, order, "li\(index)b", ["qty": .int(2)])]))
            if index % 3 == 2 {
                steps.append(.commit([Op.setAttributes(Keys.placed, who, order, set: ["status": .string("paid")], unset: ["n"])]))
            }
            if index == 5 { steps.append(.rebuild(full: false)) }
            if index == 6 {
                steps.append(.bulk([[Op.setAttributes(Keys.placed, who, order, set: ["bulk": .int(1)])],
                                    [Op.link(Keys.contains, order, "li\(index)c")], [Op.unlink(Keys.contains, order, "li\(index)c")]]))
            }
            if index == 10 { steps.append(.rebuild(full: true)) }
            if index == 8 {
                steps.append(.group([[Op.unlink(Keys.placed, "p1", "o1")], [Op.link(Keys.placed, "p2", "o1")],
                                     [Op.setAttributes(Keys.contains, "o1", "li1a", set: ["qty": .int(5)])]]))
            }
        }
        steps.append(.commit([Op.unlink(Keys.placed, "p0", "o0"), Op.unlink(Keys.contains, "o0", "li0a")]))
        return steps
    }()

    /// Runs the steps on `layout` until they end or the simulated machine
    /// dies, and returns the commits acknowledged (returned normally).
    static func run(_ layout: LedgerLayout, on disk: SimulatedFileSystem,
                    afterEachStep: (Ledger, [CommitMark]) throws -> Void = { _, _ in }) -> [CommitMark] {
        var acknowledged: [CommitMark] = []
        do {
            try Ledger.create(layout)
            // Written as a user would, outside the simulation: durable.
            try Files.write(layout.config, config)
            let ledger = try Ledger.open(layout, access: .write)
            for (index, step) in steps.enumerated() where !disk.hasCrashed {
                try perform(step, on: ledger, now: start.adding(milliseconds: Int64(index) * 60_000), acknowledged: &acknowledged)
                try afterEachStep(ledger, acknowledged)
            }
        } catch {
            // After the crash every operation fails; before it, none may.
            if !disk.hasCrashed { Issue.record("the workload failed without a crash: \(error)") }
        }
        return acknowledged
    }

    /// `snapshotsIntact`: false once a test has damaged them, so a rebuild
    /// may have had to start from the log.
    static func perform(_ step: Step, on ledger: Ledger, now: Timestamp, acknowledged: inout [CommitMark],
                        snapshotsIntact: Bool = true) throws {
        switch step {
        case .commit(let operations):
            acknowledged.append(try CommitMark(try ledger.commit(operations, metadata: metadata("crash"), now: now)))
        case .group(let batches):
            let results = try ledger.commitGroup(batches.map { CommitRequest(operations: $0, metadata: metadata("crash")) }, now: now)
            for result in results { acknowledged.append(try CommitMark(try result.get())) }
        case .bulk(let batches):
            try ledger.bulkLoading { () throws in
                for operations in batches {
                    acknowledged.append(try CommitMark(try ledger.commit(operations, metadata: metadata("crash"), now: now)))
                }
            }
        case .rebuild(let full):
            let rebuilt = try ledger.rebuild(full: full)
            #expect(full ? rebuilt.fromSeq == 0 : rebuilt.fromSeq > 0 || !snapshotsIntact, "a full rebuild starts from the log, another from a snapshot")
        }
    }
}

/// The workload run once without a crash: how many operations it makes,
/// its commits, and the answers a fresh replay of each prefix of its log gives.
struct CrashReference: Sendable {
    let operations: Int
    let commits: [CommitMark]
    /// `answers[n]`: a fresh replay of the first `n` commits.
    let answers: [CrashAnswers]

    static let shared = Result { try CrashReference() }

    private init() throws {
        let root = try TemporaryDirectory("ties-crash-reference-", in: TemporaryDirectory.memoryBacked)
        defer { root.cleanUp() }
        let disk = SimulatedFileSystem()
        var live: [Int: CrashAnswers] = [:]
        let acknowledged = CrashWorkload.run(LedgerLayout(directory: root.file("ledger"), fileSystem: disk), on: disk) { ledger, marks in
            live[marks.count] = try CrashAnswers(ledger)
        }
        operations = disk.operationCount
        let log = try Files.read(root.file("ledger/log.jsonl"))
        let ledger = try Ledger.open(at: root.file("ledger"), access: .read)
        let scanned = try readWholeLog(ledger)
        commits = scanned.map(CommitMark.init)
        #expect(commits == acknowledged && commits.count == 38, "the workload's commits, all acknowledged")
        let snapshots = try Files.list(root.file("ledger/snapshots")).filter { $0.hasSuffix(".sqlite") }
        #expect(snapshots.count == 2, "automatic snapshots were taken and pruned: \(snapshots)")
        var answers: [CrashAnswers] = []
        for count in 0...scanned.count {
            let replay = root.file("replay-\(count)")
            try FileManager.default.createDirectory(atPath: replay, withIntermediateDirectories: false)
            try Files.write(replay + "/log.jsonl", Array(log.prefix(Int(count == 0 ? 0 : scanned[count - 1].endOffset))))
            answers.append(try CrashAnswers(try Ledger.open(at: replay, access: .write)))
        }
        self.answers = answers
        for (count, seen) in live { #expect(seen == answers[count], "what the ledger answered after \(count) commits is what a replay answers") }
        withExtendedLifetime(ledger) {}
    }
}

/// Totals over many crashes, printed at the end.
struct CrashTally: CustomStringConvertible {
    var crashes = 0
    var acknowledged = 0
    var lost = 0
    /// Commits never acknowledged that were whole on disk and kept.
    var survivedUnacknowledged = 0
    /// Reopens that found part of a commit at the end and cut it off.
    var tornTailsCut = 0

    var description: String {
        "\(crashes) crashes, \(acknowledged) acknowledged commits checked, \(lost) lost, "
            + "\(survivedUnacknowledged) unacknowledged ones survived whole, \(tornTailsCut) torn tails cut off"
    }
}

@Suite("Crash at every I/O operation")
struct CrashTests {
    @Test("a crash at any I/O operation keeps every acknowledged commit and no partial one", arguments: CrashModel.allCases)
    func crashAtEveryOperation(model: CrashModel) throws {
        let reference = try CrashReference.shared.get()
        let root = try TemporaryDirectory("ties-crash-", in: TemporaryDirectory.memoryBacked)
        defer { root.cleanUp() }
        var tally = CrashTally()
        for seed in FaultSeeds.seeds(for: model) {
            // One past the last operation: the power goes after the workload ends.
            for point in 1...(reference.operations + 1) {
                let label = FaultSeeds.label("crash at operation \(point) of \(reference.operations)", model, seed, point)
                do {
                    try crash(at: point, model: model, seed: FaultSeeds.caseSeed(seed, point), reference: reference,
                              in: root.file("\(point)"), label, &tally)
                } catch {
                    Issue.record("\(label): \(error)")
                }
            }
        }
        print("fault injection, \(model): \(reference.operations + 1) crash points × \(FaultSeeds.seeds(for: model).count) seeds: \(tally) (TIES_FAULT_SEED=\(FaultSeeds.base))")
        #expect(tally.lost == 0)
        #expect(tally.crashes == (reference.operations + 1) * FaultSeeds.seeds(for: model).count)
    }

    /// Runs the workload until operation `point` fails, cuts the power, and
    /// checks two reopens on the real file system.
    private func crash(at point: Int, model: CrashModel, seed: UInt64, reference: CrashReference, in directory: String,
                       _ label: String, _ tally: inout CrashTally) throws {
        defer { try? Files.remove(directory) }  // Scratch; the next point starts afresh.
        let disk = SimulatedFileSystem()
        disk.crash(atOperation: point)
        let acknowledged = CrashWorkload.run(LedgerLayout(directory: directory, fileSystem: disk), on: disk)
        try disk.applyCrash(model, seed: seed)
        tally.crashes += 1
        tally.acknowledged += acknowledged.count
        guard Ledger.exists(at: directory) else {
            // Only a crash inside `ties init` may leave no ledger.
            #expect(acknowledged.isEmpty, "\(label): the log is gone")
            tally.lost += acknowledged.count
            return
        }
        let first = try Reopened(directory)
        let lost = acknowledged.filter { !first.log.contains($0) }
        tally.lost += lost.count
        tally.survivedUnacknowledged += first.log.count - (acknowledged.count - lost.count)
        tally.tornTailsCut += first.warnings.filter { $0.contains("incomplete commit") }.count
        #expect(lost.isEmpty, "\(label): acknowledged commits lost: \(lost)")
        #expect(Array(first.log.prefix(acknowledged.count)) == acknowledged, "\(label): acknowledged commits out of place")
        #expect(first.log == Array(reference.commits.prefix(first.log.count)), "\(label): the log is not a prefix of the workload's commits")
        #expect(first.answers == reference.answers[min(first.log.count, reference.commits.count)],
                "\(label): the state is not a replay of the \(first.log.count) commits in the log")
        let second = try Reopened(directory, commitAfter: true)
        #expect(second.warnings.isEmpty, "\(label): the second open warned: \(second.warnings)")
        #expect(second.answers == first.answers && second.logBytes == first.logBytes, "\(label): the second open differs")
    }

    @Test("a crash while recovering (snapshot restore or a build from the whole log, catch-up, torn tail cut off) loses nothing either",
          arguments: CrashModel.allCases, [false, true])
    func crashDuringRecovery(model: CrashModel, withoutSnapshots: Bool) throws {
        let reference = try CrashReference.shared.get()
        let root = try TemporaryDirectory("ties-crash-recovery-", in: TemporaryDirectory.memoryBacked)
        defer { root.cleanUp() }
        let source = root.file("source")
        let workload = SimulatedFileSystem()
        #expect(CrashWorkload.run(LedgerLayout(directory: source, fileSystem: workload), on: workload) == reference.commits)
        // The projection lost and half a commit after the last one: the open
        // restores the newest snapshot (or, without snapshots, builds the
        // projection from the whole log), catches up and cuts the tail off.
        try Files.removeProjection(in: source)
        if withoutSnapshots { try Files.remove(source + "/snapshots") }
        let log = try Files.read(source + "/log.jsonl")
        try Files.write(source + "/log.jsonl", log + log.prefix(200))
        let counting = SimulatedFileSystem()
        try FileManager.default.copyItem(atPath: source, toPath: root.file("count"))
        _ = try Ledger.open(LedgerLayout(directory: root.file("count"), fileSystem: counting), access: .write)
        var tally = CrashTally()
        for seed in FaultSeeds.seeds(for: model) {
            for point in 1...(counting.operationCount + 1) {
                let label = FaultSeeds.label("recovery crash at operation \(point) of \(counting.operationCount)", model, seed, point)
                let directory = root.file("\(point)")
                try FileManager.default.copyItem(atPath: source, toPath: directory)
                let disk = SimulatedFileSystem()
                disk.crash(atOperation: point)
                do {
                    _ = try Ledger.open(LedgerLayout(directory: directory, fileSystem: disk), access: .write)
                } catch {
                    #expect(disk.hasCrashed, "\(label): \(error)")
                }
                try disk.applyCrash(model, seed: FaultSeeds.caseSeed(seed, point))
                let reopened = try Reopened(directory)
                tally.crashes += 1
                tally.acknowledged += reference.commits.count
                tally.lost += reference.commits.filter { !reopened.log.contains($0) }.count
                tally.tornTailsCut += reopened.warnings.filter { $0.contains("incomplete commit") }.count
                #expect(reopened.log == reference.commits && reopened.answers == reference.answers[reference.commits.count], "\(label)")
                try Files.remove(directory)
            }
        }
        print("fault injection, recovery \(withoutSnapshots ? "from the log" : "from a snapshot"), \(model): \(counting.operationCount + 1) crash points × \(FaultSeeds.seeds(for: model).count) seeds: \(tally) (TIES_FAULT_SEED=\(FaultSeeds.base))")
        #expect(tally.lost == 0)
    }
}

/// A ledger reopened on the real file system after a crash: its log (read
/// whole, the chain checked), its answers, and what it warned about.
struct Reopened {
    let log: [CommitMark]
    let logBytes: [UInt8]
    let answers: CrashAnswers
    let warnings: [String]

    /// With `commitAfter`, a commit is made last: service goes on.
    init(_ directory: String, commitAfter: Bool = false) throws {
        let warned = WarningLog()
        let ledger = try Ledger.open(at: directory, access: .write, warn: warned.sink)
        let scanned = try readWholeLog(ledger)
        expectIntactChain(scanned)
        log = scanned.map(CommitMark.init)
        logBytes = try Files.read(directory + "/log.jsonl")
        answers = try CrashAnswers(ledger)
        warnings = warned.messages
        if commitAfter {
            let receipt = try ledger.commit([Op.define("after_crash")], metadata: metadata("crash"), now: CrashWorkload.start.adding(milliseconds: 86_400_000))
            #expect(receipt.firstSeq == answers.headSeq + 1)
        }
    }
}

@Suite("Failing syncs and full disks")
struct DiskFaultTests {
    static func at(minute: Int64) -> Timestamp { CrashWorkload.start.adding(milliseconds: minute * 60_000) }

    /// A ledger on `disk` with its types registered.
    private static func ledger(at directory: String, on disk: SimulatedFileSystem) throws -> Ledger {
        let layout = LedgerLayout(directory: directory, fileSystem: disk)
        try Ledger.create(layout)
        let ledger = try Ledger.open(layout, access: .write)
        _ = try ledger.commit([Op.define("order"), Op.define("line_item")], metadata: metadata(), now: at(minute: 0))
        _ = try ledger.commit([Op.register(Keys.placed), Op.register(Keys.contains)], metadata: metadata(), now: at(minute: 1))
        return ledger
    }

    /// What a fresh replay of `log` answers (no projection, no snapshots).
    private static func replay(_ log: [UInt8], in root: TemporaryDirectory) throws -> CrashAnswers {
        let directory = root.file("replay")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try Files.write(directory + "/log.jsonl", log)
        return try CrashAnswers(try Ledger.open(at: directory, access: .write))
    }

    @Test("a failed fsync is not acknowledged, and the ledger refuses writes until it is reopened", arguments: [false, true])
    func failedSync(powerLost: Bool) throws {
        let root = try TemporaryDirectory("ties-eio-", in: TemporaryDirectory.memoryBacked)
        defer { root.cleanUp() }
        let directory = root.file("ledger")
        let log = directory + "/log.jsonl"
        let disk = SimulatedFileSystem()
        do {
            let ledger = try Self.ledger(at: directory, on: disk)
            disk.failNextSync(with: EIO)
            let failed = expectLedgerError(.ioError) {
                try ledger.commit([Op.link(Keys.placed, "p1", "o1")], metadata: metadata(), now: Self.at(minute: 2))
            }
            #expect(failed?.details["errno"] == .int(Int64(EIO)) && failed?.details["syscall"] == .string("fdatasync"), "\(String(describing: failed))")
            #expect(ledger.headSeq == 4)
            #expect(try ledger.relationships(of: person("p1")).links.isEmpty)
            // Syncs work again, but what the failed one should have written is
            // unknown: no retry, no acknowledgement, nothing written.
            disk.clearFaults()
            let logBytes = try Files.read(log)
            let refused = expectLedgerError(.ioError) {
                try ledger.commit([Op.link(Keys.placed, "p2", "o2")], metadata: metadata(), now: Self.at(minute: 3))
            }
            #expect(refused?.message.contains("reopen the ledger") == true, "\(String(describing: refused))")
            #expect(try Files.read(log) == logBytes)
        }
        if powerLost { try disk.applyCrash(.dropUnsynced, seed: FaultSeeds.base) }
        // Without a power loss the unacknowledged commit is on disk, whole; with one it is gone.
        let reopened = try Reopened(directory)
        #expect(reopened.log.map(\.lastSeq) == (powerLost ? [2, 4] : [2, 4, 5]))
        #expect(reopened.warnings.isEmpty)
        #expect(reopened.answers == (try Self.replay(reopened.logBytes, in: root)))
        #expect(try Reopened(directory, commitAfter: true).log == reopened.log)
    }

    /// An import applies each commit to the projection's open transaction
    /// while the log makes it durable: a commit whose sync or write fails is
    /// not acknowledged, the transaction (holding the commits before it,
    /// durable in the log) is rolled back, writes are refused until the
    /// ledger is reopened, and the reopen catches up to every acknowledged one.
    @Test("an import's failed append loses no acknowledged commit and refuses writes until a reopen", arguments: [EIO, ENOSPC])
    func failedAppendInAnImport(code: Int32) throws {
        let root = try TemporaryDirectory("ties-import-fault-", in: TemporaryDirectory.memoryBacked)
        defer { root.cleanUp() }
        let directory = root.file("ledger")
        let disk = SimulatedFileSystem()
        var acknowledged: [Int64] = []
        do {
            let ledger = try Self.ledger(at: directory, on: disk)
            let failed = expectLedgerError(.ioError) {
                try ledger.bulkLoading { () throws(LedgerError) in
                    for index in 0..<5 {
                        if index == 3 {
                            if code == EIO { disk.failNextSync(with: EIO) } else { disk.failWrites(with: ENOSPC, afterBytes: 10) }
                        }
                        let receipt = try ledger.commit([Op.link(Keys.placed, "p\(index)", "o\(index)")], metadata: metadata(),
                                                        now: Self.at(minute: 2 + Int64(index)))
                        acknowledged.append(receipt.lastSeq ?? 0)
                    }
                }
            }
            #expect(failed?.details["syscall"] == .string(code == EIO ? "fdatasync" : "pwrite"), "\(String(describing: failed))")
            #expect(acknowledged == [5, 6, 7])
            disk.clearFaults()
            let refused = expectLedgerError(.ioError) {
                try ledger.commit([Op.link(Keys.placed, "p9", "o9")], metadata: metadata(), now: Self.at(minute: 9))
            }
            #expect(refused?.message.contains("reopen the ledger") == true, "\(String(describing: refused))")
        }
        // A failed sync leaves its commit on disk, whole and unacknowledged; a failed write is cut off.
        let reopened = try Reopened(directory, commitAfter: true)
        #expect(reopened.log.map(\.lastSeq) == [2, 4, 5, 6, 7] + (code == EIO ? [8] : []))
        #expect(reopened.answers == (try Self.replay(reopened.logBytes, in: root)))
        #expect(reopened.warnings.isEmpty, "\(reopened.warnings)")
    }

    /// A record's key is stored before the append; when the append fails,
    /// the key sealed nothing in the log. The record is new again after
    /// the reopen: it gets a new key, which replaces the one left behind,
    /// and its values open after a rebuild from the log.
    @Test func aKeyLeftByAFailedAppendIsReplacedWhenTheRecordIsCreatedAgain() throws {
        let root = try TemporaryDirectory("ties-key-fault-", in: TemporaryDirectory.memoryBacked)
        defer { root.cleanUp() }
        let directory = root.file("ledger")
        let disk = SimulatedFileSystem()
        do {
            let ledger = try Self.ledger(at: directory, on: disk)
            disk.failWrites(with: ENOSPC, afterBytes: 10)
            _ = expectLedgerError(.ioError) {
                try ledger.commit([Op.upsert("person:p1", set: ["email": .string("first@example.com")])], metadata: metadata(), now: Self.at(minute: 2))
            }
            disk.clearFaults()
        }
        do {
            let ledger = try Ledger.open(LedgerLayout(directory: directory, fileSystem: disk), access: .write)
            let left = try #require(try ledger.recordKeys?.key(for: RecordRef(type: "person", id: "p1")))
            let receipt = try ledger.commit([Op.upsert("person:p1", set: ["email": .string("second@example.com")])], metadata: metadata(), now: Self.at(minute: 3))
            #expect(receipt.results == [.record(RecordRef(type: "person", id: "p1"), created: true, changed: true)])
            #expect(try ledger.recordKeys?.key(for: RecordRef(type: "person", id: "p1")) != left, "the key the failed append left was not replaced")
        }
        try Files.removeProjection(in: directory)
        let rebuilt = try Ledger.open(at: directory, access: .write)
        #expect(try rebuilt.record(RecordRef(type: "person", id: "p1")).fields["email"]?.value == .string("second@example.com"))
    }

    /// A failed sync may leave its commit in the log, whole: a retry in the
    /// same process is refused before it stores anything, so the key that
    /// sealed that commit's values is still the record's when a reopen
    /// applies it.
    @Test func aRetryAfterAFailedSyncKeepsTheKeyOfTheCommitItMayHaveLeft() throws {
        let root = try TemporaryDirectory("ties-key-sync-", in: TemporaryDirectory.memoryBacked)
        defer { root.cleanUp() }
        let directory = root.file("ledger")
        let disk = SimulatedFileSystem()
        let upsert = Op.upsert("person:p1", set: ["email": .string("first@example.com")])
        do {
            let ledger = try Self.ledger(at: directory, on: disk)
            disk.failNextSync(with: EIO)
            _ = expectLedgerError(.ioError) { try ledger.commit([upsert], metadata: metadata(), now: Self.at(minute: 2)) }
            disk.clearFaults()
            let refused = expectLedgerError(.ioError) { try ledger.commit([upsert], metadata: metadata(), now: Self.at(minute: 3)) }
            #expect(refused?.message.contains("reopen the ledger") == true, "\(String(describing: refused))")
        }
        let reopened = try Ledger.open(LedgerLayout(directory: directory, fileSystem: disk), access: .write)
        #expect(try reopened.record(RecordRef(type: "person", id: "p1")).fields["email"]?.value == .string("first@example.com"))
    }

    @Test("a full disk or a short write fails the commit clearly, the log still reads, and service resumes with space",
          arguments: [ENOSPC, EIO])
    func failedWrite(code: Int32) throws {
        let root = try TemporaryDirectory("ties-enospc-", in: TemporaryDirectory.memoryBacked)
        defer { root.cleanUp() }
        let directory = root.file("ledger")
        let log = directory + "/log.jsonl"
        let disk = SimulatedFileSystem()
        // Bytes written before the disk fills: none, a few, around a sector, most of a commit.
        let budgets = [0, 1, 100, 511, 512, 513, 1500]
        do {
            let ledger = try Self.ledger(at: directory, on: disk)
            for (index, budget) in budgets.enumerated() {
                let note: JSONValue = .string(String(repeating: "x", count: 200))
                let operations = (0..<6).map { Op.link(Keys.placed, "p\(index % 4)", "o\(index)-\($0)", ["note": note]) }
                let now = Self.at(minute: Int64(2 + index))
                let (before, head) = (try Files.read(log), ledger.headSeq)
                disk.failWrites(with: code, afterBytes: budget)
                let failed = expectLedgerError(.ioError, "after \(budget) bytes") {
                    try ledger.commit(operations, metadata: metadata(), now: now)
                }
                #expect(failed?.details["errno"] == .int(Int64(code)) && failed?.details["syscall"] == .string("pwrite"), "\(String(describing: failed))")
                #expect(try Files.read(log) == before, "after \(budget) bytes: the partial commit was cut off")
                #expect(ledger.headSeq == head)
                #expect(try readWholeLog(ledger).last?.commit.lastSeq == head)
                disk.clearFaults()
                let receipt = try ledger.commit(operations, metadata: metadata(), now: now)
                #expect(receipt.firstSeq == head + 1 && receipt.lastSeq == head + 6, "after \(budget) bytes")
            }
        }
        let reopened = try Reopened(directory)
        #expect(reopened.warnings.isEmpty, "no torn tail: \(reopened.warnings)")
        #expect(reopened.log.count == 2 + budgets.count)
        #expect(reopened.answers == (try Self.replay(reopened.logBytes, in: root)))
    }
}
