import Foundation
import TiesCore
import TiesStore
import TiesSystem
import TiesTestSupport

/// The whole run: the CLI logic as a function of its arguments, so that
/// `main.swift` stays a line long.
enum Bench {
    static func main(arguments: [String]) -> Int32 {
        let options: BenchOptions
        do {
            options = try BenchOptions.parse(Array(arguments.dropFirst()))
        } catch {
            StandardStream.error.write("ties-bench: \(error)\nrun ties-bench --help for usage\n")
            return 2
        }
        if options.help {
            StandardStream.output.write(BenchOptions.usage + "\n")
            return 0
        }
        do {
            let report = try run(options, machine: MachineInfo.current(arguments: arguments))
            StandardStream.output.write(options.json ? report.json + "\n" : report.text)
            return 0
        } catch {
            StandardStream.error.write("ties-bench: \(error)\n")
            if case .usage = error { return 2 }
            return 1
        }
    }

    static func run(_ options: BenchOptions, machine: MachineInfo) throws(BenchError) -> BenchReport {
        if MachineInfo.isDebugBuild { BenchSystem.progress("this is a debug build: numbers are not representative (build with -c release)") }
        let work = try BenchSystem.workingDirectory(options.directory, environment: ProcessInfo.processInfo.environment)
        defer {
            if options.keep { BenchSystem.progress("kept \(work)") } else { BenchSystem.remove(work) }
        }
        BenchSystem.progress("working directory \(work)")
        var report = BenchReport(machine: machine, options: options)
        if options.phases.contains(.import) {
            let segments = try importAndQuery(options, work: work, into: &report)
            // The ledger is closed (deinit) here: its WAL checkpointed, its lock released.
            if options.records > 0 {
                report.records = try importRecordsAndRead(options, work: work)
                report.records?.importWithoutAgain = try importAgain(segments, work: work)
            }
            if options.phases.contains(.reopen) {
                BenchSystem.progress("timing \(BenchLimits.reopenRuns) reopens")
                report.reopen = try LedgerPhases.reopen(work + "/ledger", runs: BenchLimits.reopenRuns)
                BenchSystem.progress("timing a restart after projection loss: from the snapshot, then a full replay")
                report.restart = try LedgerPhases.restart(work + "/ledger")
            }
            BenchSystem.progress("inserting the same rows into a bare SQLite database (the floor)")
            report.floor = try Floor.run(projectionPath: LedgerLayout(directory: work + "/ledger").projection, floorPath: work + "/floor.sqlite")
        }
        if options.phases.contains(.http) {
            BenchSystem.progress("HTTP load: \(options.httpClients) keep-alive clients, \(Format.grouped(options.httpRequests)) single-link commits")
            report.http = try HTTPLoad.run(requests: options.httpRequests, clients: options.httpClients, directory: work + "/http-ledger")
        }
        if options.phases.contains(.cli) {
            BenchSystem.progress("CLI writes through a running server against HTTP writes: \(BenchLimits.handOverWrites) of each, one at a time")
            report.handOver = try HandOverBench.run(writes: BenchLimits.handOverWrites, directory: work + "/cli-ledger")
        }
        if options.phases.contains(.ledgers) {
            report.ledgers = try LedgersBench.run(options, directory: work + "/ledgers")
        }
        report.peakResidentKiB = BenchSystem.peakResidentKiB()
        report.machine.loadAtEnd = BenchSystem.loadAverage()
        return report
    }

    /// Setup, generation, then the import in two parts with a query point
    /// after each. The ledger lives only inside this function. Returns the
    /// workload's files.
    private static func importAndQuery(_ options: BenchOptions, work: String,
                                       into report: inout BenchReport) throws(BenchError) -> [WorkloadActors.Segment] {
        let setup = WorkloadType.setupLines
        let (ledger, setupImport) = try createWithSetup(work + "/ledger", setup: setup, setupPath: work + "/setup.jsonl")
        var imported = setupImport
        var generator = WorkloadGenerator(shape: WorkloadShape(events: options.events), seed: options.seed,
                                          typeIDs: try LedgerPhases.typeIDs(ledger))
        // The last 1% comes after a snapshot, so a restart replays a 1% tail.
        let operations = options.events - setup.count
        let tailCount = max(1, operations / 100)
        let earlyCount = min(BenchLimits.earlyPointEvents - setup.count, operations - tailCount)
        let parts = WorkloadActors.segments([earlyCount, operations - earlyCount - tailCount, tailCount].filter { $0 > 0 }, directory: work)
        var universes: [RecordUniverse] = []
        let generationStart = BenchSystem.nowNs()
        for segment in parts.joined() {
            BenchSystem.progress("generating \(segment.count) operations into \(segment.path)")
            try writeLines(segment.count, to: segment.path) { _ in generator.next().json }
            universes.append(generator.universe)
        }
        report.generationSeconds = Double(BenchSystem.nowNs() - generationStart) / 1e9
        report.workload = WorkloadSummary(generator, setupEvents: setup.count)

        var random = SplitMix64(seed: options.seed).derived(0x5175_6572_6965_7321)
        for (index, segments) in parts.enumerated() {
            if index == parts.count - 1 && index > 0 { try LedgerPhases.snapshot(ledger) }
            for segment in segments { imported = imported + (try LedgerPhases.importSegment(segment, into: ledger)) }
            // Query points: after the first part and after the last.
            guard options.phases.contains(.queries), index == 0 || index == parts.count - 1 else { continue }
            BenchSystem.progress("timing \(options.queries) queries of each kind at seq \(ledger.headSeq)")
            let universe = universes[parts[...index].joined().count - 1]
            report.queryPoints.append(try QueryBench.measure(ledger, universe: universe, queries: options.queries, random: &random))
        }
        if options.phases.contains(.audit) {
            BenchSystem.progress("timing audit pages, diffs and link stories at seq \(ledger.headSeq)")
            var timeTravelRandom = SplitMix64(seed: options.seed).derived(0x4175_6469_7421)
            report.timeTravel = try TimeTravelBench.measure(ledger, universe: generator.universe, pages: options.queries, random: &timeTravelRandom)
        }
        report.importResult = imported
        report.stats = try LedgerPhases.stats(ledger)
        // A WAL that only grows means a read transaction never ends and checkpoints cannot reset it.
        let projection = LedgerLayout(directory: work + "/ledger").projection
        report.projectionFileBytes = (BenchSystem.fileSize(projection), BenchSystem.fileSize(projection + "-wal"))
        return Array(parts.joined())
    }

    /// The main workload imported once more, after the records import,
    /// into a ledger of its own (removed afterwards; no snapshot, no
    /// queries in between): the records import's rate is compared with
    /// the mean of the imports on either side of it, so a change in a
    /// shared machine's load during the run falls on both.
    private static func importAgain(_ segments: [WorkloadActors.Segment], work: String) throws(BenchError) -> ImportResult {
        let directory = work + "/ledger-again"
        defer { BenchSystem.remove(directory) }
        BenchSystem.progress("records phase: importing the main workload again, into a ledger of its own")
        let (ledger, setupImport) = try createWithSetup(directory, setup: WorkloadType.setupLines, setupPath: work + "/setup-again.jsonl")
        var imported = setupImport
        for segment in segments { imported = imported + (try LedgerPhases.importSegment(segment, into: ledger)) }
        return imported
    }

    /// The records phase, right after the main import so that the two
    /// rates are measured under the same conditions: as many events into
    /// a ledger of their own, `options.records` of them person-record
    /// upserts in place of links; then reads of those records.
    private static func importRecordsAndRead(_ options: BenchOptions, work: String) throws(BenchError) -> RecordsResult {
        let setup = WorkloadType.setupLines + [PersonRecords.definition]
        let (ledger, setupImport) = try createWithSetup(work + "/records-ledger", setup: setup, setupPath: work + "/records-setup.jsonl")
        let links = WorkloadGenerator(shape: WorkloadShape(events: options.events), seed: options.seed, typeIDs: try LedgerPhases.typeIDs(ledger))
        let lines = options.events - setup.count
        var workload = RecordsWorkload(links: links, records: options.records, lines: lines, firstSeq: ledger.headSeq + 1, seed: options.seed)
        let path = work + "/records-workload.jsonl"
        BenchSystem.progress("records phase: generating \(lines) operations, \(options.records) of them record upserts, into \(path)")
        try writeLines(lines, to: path) { _ in workload.next() }
        BenchSystem.progress("records phase: importing \(lines) operations from \(path)")
        let imported = setupImport + (try LedgerPhases.importFile(path, into: ledger, expectedEvents: lines))
        BenchSystem.progress("records phase: timing \(options.queries) lookups by email and \(options.queries) reads as of a seq")
        var random = SplitMix64(seed: options.seed).derived(0x5265_6164_7321)
        return try RecordsBench.measure(ledger, workload: workload, setupEvents: setup.count, imported: imported, reads: options.queries,
                                        random: &random)
    }

    /// A new ledger at `directory` with `setup` imported from `setupPath`.
    private static func createWithSetup(_ directory: String, setup: [JSONValue], setupPath: String) throws(BenchError) -> (Ledger, ImportResult) {
        let ledger = try LedgerPhases.create(directory)
        try writeLines(setup.count, to: setupPath) { setup[$0].encodedBytes }
        return (ledger, try LedgerPhases.importFile(setupPath, into: ledger, expectedEvents: setup.count))
    }

    /// Writes `count` lines, the `index`-th from `line(index)`.
    private static func writeLines(_ count: Int, to path: String, _ line: (Int) -> [UInt8]) throws(BenchError) {
        let file = try BufferedFile(creating: path)
        for index in 0..<count { try file.appendLine(line(index)) }
        try file.close()
    }
}
