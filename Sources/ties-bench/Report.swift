import Foundation
import TiesCore
import TiesStore

/// The targets Ties is held to, each with why it is that number.
enum Targets {
    /// The ledger's own work (log, fsync, decisions, JSON) may at most
    /// double the cost of writing the same rows to SQLite.
    static let importFloorRatioMin = 0.5
    /// Interactive lookups: well under a frame, at a million events.
    static let queryP99UsMax = 1_000.0
    /// "Not growing with ledger size": p99 at N may be at most this many
    /// times p99 at 100k (the allowance is for timing noise, not for a scan).
    static let queryP99GrowthMax = 2.0
    /// A CLI command opens the ledger every time; 50 ms stays unnoticed.
    static let reopenMsMax = 50.0
    /// Restart after projection loss from a snapshot ≤ 1% behind: ≤ 10% of a full rebuild.
    static let restartRatioMax = 0.10
    /// Peak resident set of this whole process, in MB (10^6 bytes).
    static let peakResidentMBMax = 300.0
    /// Durable single-link commits per second through `ties serve`, from
    /// 32 keep-alive clients: group commit has to turn many waiting
    /// requests into few fdatasyncs for this to hold.
    static let httpCommitsPerSecondMin = 10_000.0
    /// A commit acknowledged within a frame-ish budget, including its fsync.
    static let httpLatencyP99MsMax = 20.0
    /// A benchmark that drops requests measures something else.
    static let httpErrorsMax = 0.0
}

/// One measured value against its bound; no verdict when the run could
/// not measure it (growth needs two query points).
struct Check: Equatable {
    var name: String
    var measured: Double?
    var unit: String
    var limit: Double
    /// True for a floor (≥ limit), false for a ceiling (≤ limit).
    var atLeast: Bool

    var pass: Bool? { measured.map { atLeast ? $0 >= limit : $0 <= limit } }
    var verdict: String { pass.map { $0 ? "PASS" : "MISS" } ?? "n/a" }

    var target: String {
        let number = limit >= 1_000 ? Format.grouped(Int64(limit)) : Format.fixed(limit, limit == limit.rounded() && unit != "" ? 0 : 2)
        let suffix = unit.isEmpty ? "" : unit == "×" ? "×" : " " + unit
        return (atLeast ? "≥ " : "≤ ") + number + suffix
    }
}

/// Everything one run measured.
struct BenchReport {
    var machine: MachineInfo
    var options: BenchOptions
    var workload: WorkloadSummary?
    var generationSeconds = 0.0
    var importResult = ImportResult()
    var queryPoints: [QueryPoint] = []
    var stats: LedgerStats?
    /// The projection's database file and its WAL, right after the import.
    var projectionFileBytes: (database: Int64, wal: Int64)?
    var reopen: ReopenResult?
    var restart: RestartResult?
    var floor: FloorResult?
    var peakResidentKiB: Int?
    var http: HTTPLoadResult?

    var importFloorRatio: Double? {
        guard let floor, floor.eventsPerSecond > 0 else { return nil }
        return importResult.eventsPerSecond / floor.eventsPerSecond
    }

    var peakResidentMB: Double? { peakResidentKiB.map { Double($0) * 1024 / 1e6 } }

    /// The checks of the phases that ran, and the peak RSS of the whole run.
    var checks: [Check] {
        var checks: [Check] = []
        if options.phases.contains(.import) {
            checks.append(Check(name: "import / floor (events/s ratio)", measured: importFloorRatio, unit: "",
                                limit: Targets.importFloorRatioMin, atLeast: true))
        }
        if let last = queryPoints.last {
            let first = queryPoints.count > 1 ? queryPoints.first : nil
            let kinds: [(String, KeyPath<QueryPoint, QueryKindLatency>)] = [("relationships as-of", \.relationships), ("history", \.history)]
            for (name, kind) in kinds {
                let p99 = last[keyPath: kind].all.p99Us
                checks.append(Check(name: "\(name) p99 @ \(Format.grouped(last.headSeq))", measured: p99, unit: "µs",
                                    limit: Targets.queryP99UsMax, atLeast: false))
                let growth = first.map { p99 / max($0[keyPath: kind].all.p99Us, 1) }
                let span = first.map { "\(Format.grouped($0.headSeq)) → \(Format.grouped(last.headSeq))" }
                    ?? "(needs more than \(Format.grouped(BenchLimits.earlyPointEvents)) events)"
                checks.append(Check(name: "\(name) p99 growth \(span)", measured: growth, unit: "×",
                                    limit: Targets.queryP99GrowthMax, atLeast: false))
            }
        }
        if options.phases.contains(.reopen) {
            checks.append(Check(name: "reopen after clean close (median of \(reopen?.runsMs.count ?? 0))", measured: reopen?.medianMs,
                                unit: "ms", limit: Targets.reopenMsMax, atLeast: false))
        }
        if options.phases.contains(.reopen) {
            checks.append(Check(name: "restart from a snapshot ≤ 1% behind / full rebuild", measured: restart?.ratio, unit: "",
                                limit: Targets.restartRatioMax, atLeast: false))
        }
        if let http { checks += Self.httpChecks(http) }
        checks.append(Check(name: "peak RSS (VmHWM, whole run)", measured: peakResidentMB, unit: "MB",
                            limit: Targets.peakResidentMBMax, atLeast: false))
        return checks
    }

    private static func httpChecks(_ http: HTTPLoadResult) -> [Check] {
        [
            Check(name: "HTTP durable commits/s (\(http.clients) keep-alive client\(http.clients == 1 ? "" : "s"), 1 link each)", measured: http.commitsPerSecond,
                  unit: "commits/s", limit: Targets.httpCommitsPerSecondMin, atLeast: true),
            Check(name: "HTTP latency p99 per request", measured: http.latencyP99Ms, unit: "ms", limit: Targets.httpLatencyP99MsMax, atLeast: false),
            Check(name: "HTTP errors (non-2xx, I/O, unsent)", measured: Double(http.errorCount), unit: "errors",
                  limit: Targets.httpErrorsMax, atLeast: false),
        ]
    }
}

/// Number formatting for the text report.
enum Format {
    static func grouped<T: BinaryInteger>(_ value: T) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    static func rate(_ perSecond: Double) -> String { grouped(Int64(perSecond.rounded())) }

    static func megabytes(_ bytes: Int64) -> String { fixed(Double(bytes) / 1e6, 1) + " MB" }

    static func microseconds(_ value: Double) -> String { value >= 100 ? grouped(Int64(value.rounded())) : fixed(value, 1) }

    /// Left-aligned columns, two spaces apart.
    static func table(_ rows: [[String]]) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        let widths = (0..<width).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
