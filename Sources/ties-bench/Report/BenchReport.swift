import Foundation
import TiesCore
import TiesStore

/// Everything one run measured.
struct BenchReport {
    var machine: MachineInfo
    var options: BenchOptions
    var workload: WorkloadSummary?
    var generationSeconds = 0.0
    var importResult = ImportResult()
    var queryPoints: [QueryPoint] = []
    var records: RecordsResult?
    var timeTravel: TimeTravelResult?
    var stats: LedgerStats?
    /// The projection's database file and its WAL, right after the import.
    var projectionFileBytes: (database: Int64, wal: Int64)?
    var reopen: ReopenResult?
    var restart: RestartResult?
    var floor: FloorResult?
    var peakResidentKiB: Int?
    var http: HTTPLoadResult?
    var handOver: HandOverResult?
    var ledgers: LedgersResult?

    var importFloorRatio: Double? {
        guard let floor, floor.eventsPerSecond > 0 else { return nil }
        return importResult.eventsPerSecond / floor.eventsPerSecond
    }

    /// The records workload's import against the imports without records
    /// before and after it (their mean): same events, same run.
    var recordsImportRatio: Double? {
        guard let records, let without = importWithoutRecordsEventsPerSecond, without > 0 else { return nil }
        return records.imported.eventsPerSecond / without
    }

    /// The mean rate of the main import and of its repeat after the records import.
    var importWithoutRecordsEventsPerSecond: Double? {
        guard let again = records?.importWithoutAgain else { return nil }
        return (importResult.eventsPerSecond + again.eventsPerSecond) / 2
    }

    var projectionToLogRatio: Double? {
        guard let files = projectionFileBytes, let logBytes = stats?.logBytes, logBytes > 0 else { return nil }
        return Double(files.database + files.wal) / Double(logBytes)
    }

    var peakResidentMB: Double? { peakResidentKiB.map { Double($0) * 1024 / 1e6 } }

    /// The checks of the phases that ran, and the peak RSS of the whole run.
    var checks: [Check] {
        var checks: [Check] = []
        if options.phases.contains(.import) {
            checks.append(Check(name: "import, durable (events/s)", measured: importResult.eventsPerSecond, unit: "events/s",
                                limit: Targets.importEventsPerSecondMin, atLeast: true))
            checks.append(Check(name: "import / floor (events/s ratio)", measured: importFloorRatio, unit: "",
                                limit: Targets.importFloorRatioMin, atLeast: true))
            checks.append(Check(name: "projection (database + WAL) / log bytes", measured: projectionToLogRatio, unit: "",
                                limit: Targets.projectionToLogRatioMax, atLeast: false))
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
        if options.records > 0 { checks += recordsChecks }
        if options.phases.contains(.audit) { checks += timeTravelChecks }
        if options.phases.contains(.reopen) {
            checks.append(Check(name: "reopen after clean close (median of \(reopen?.runsMs.count ?? 0))", measured: reopen?.medianMs,
                                unit: "ms", limit: Targets.reopenMsMax, atLeast: false))
        }
        if options.phases.contains(.reopen) {
            checks.append(Check(name: "restart from a snapshot ≤ 1% behind / full rebuild", measured: restart?.ratio, unit: "",
                                limit: Targets.restartRatioMax, atLeast: false))
            checks.append(Check(name: "full rebuild from the log (events/s)", measured: restart?.fullReplayEventsPerSecond, unit: "events/s",
                                limit: Targets.rebuildEventsPerSecondMin, atLeast: true))
        }
        if let http { checks += Self.httpChecks(http) }
        if let handOver {
            checks.append(Check(name: "`ties link` through the server / `curl` POST, p50 (whole processes)", measured: handOver.processRatioP50, unit: "×",
                                limit: Targets.handOverLatencyRatioMax, atLeast: false))
            checks.append(Check(name: "`ties link` through the server / `curl` POST, p99 (whole processes)", measured: handOver.processRatioP99, unit: "×",
                                limit: Targets.handOverLatencyRatioMax, atLeast: false))
            checks.append(Check(name: "write-socket hand-over / HTTP request, p99 (in process)", measured: handOver.requestRatioP99, unit: "×",
                                limit: Targets.handOverLatencyRatioMax, atLeast: false))
        }
        if let ledgers { checks += ledgersChecks(ledgers) }
        checks.append(Check(name: "peak RSS (VmHWM, whole run)", measured: peakResidentMB, unit: "MB",
                            limit: Targets.peakResidentMBMax, atLeast: false))
        return checks
    }

    private var recordsChecks: [Check] {
        let at = records.map { " @ \(Format.grouped($0.headSeq)), \(Format.grouped($0.records)) records" } ?? ""
        return [
            Check(name: "import with records / without (events/s ratio, same run)", measured: recordsImportRatio, unit: "",
                  limit: Targets.recordsImportRatioMin, atLeast: true),
            Check(name: "findRecords by unique email p99" + at, measured: records?.emailLookup.p99Us, unit: "µs",
                  limit: Targets.identifierLookupP99UsMax, atLeast: false),
            Check(name: "filtered page of 100 relationships p99" + at, measured: records?.filteredPage.p99Us, unit: "µs",
                  limit: Targets.filteredPageP99UsMax, atLeast: false),
        ]
    }

    private var timeTravelChecks: [Check] {
        let at = timeTravel.map { " @ \(Format.grouped($0.headSeq))" } ?? ""
        let audit = AuditCase.allCases.map { auditCase in
            Check(name: "audit page of 100, \(auditCase.rawValue), p99" + at, measured: timeTravel?.audit[auditCase].map { $0.all.p99Us / 1_000 },
                  unit: "ms", limit: Targets.auditPageP99MsMax, atLeast: false)
        }
        let diff = DiffScope.allCases.map { scope in
            Check(name: "diff page of 100, \(scope.rawValue), \(Format.grouped(BenchLimits.diffSpanEvents)) events apart, p99" + at,
                  measured: timeTravel?.diff[scope].map { $0.all.p99Us / 1_000 }, unit: "ms", limit: Targets.diffPageP99MsMax, atLeast: false)
        }
        return audit + diff + [
            Check(name: "link story (versions(of:)) of a hot person's link, p99" + at, measured: timeTravel?.linkStory.hot.p99Us, unit: "µs",
                  limit: Targets.linkStoryP99UsMax, atLeast: false),
        ]
    }

    private static func httpChecks(_ http: HTTPLoadResult) -> [Check] {
        [
            Check(name: "HTTP durable commits/s (\(http.clients) keep-alive client\(http.clients == 1 ? "" : "s"), 1 link each)", measured: http.commitsPerSecond,
                  unit: "commits/s", limit: Targets.httpCommitsPerSecondMin, atLeast: true),
            Check(name: "HTTP latency p99 per request", measured: http.latencyP99Ms, unit: "ms", limit: Targets.httpLatencyP99MsMax, atLeast: false),
            Check(name: "HTTP latency max (an automatic snapshot included)", measured: http.latencyMaxMs, unit: "ms",
                  limit: Targets.httpLatencyMaxMsMax, atLeast: false),
            Check(name: "HTTP errors (non-2xx, I/O, unsent)", measured: Double(http.errorCount), unit: "errors",
                  limit: Targets.httpErrorsMax, atLeast: false),
        ]
    }
}
