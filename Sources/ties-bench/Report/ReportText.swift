import TiesCore
import TiesStore

/// The human-readable report: context first (what ran where), then the
/// measurements, then the targets with PASS/MISS.
extension BenchReport {
    var text: String {
        var out = "Ties benchmark\n\n"
        out += Format.table(contextRows)
        out += "\nmeasurements\n"
        out += Format.table(throughputRows)
        for point in queryPoints { out += Format.table(queryRows(point)) }
        if let records { out += Format.table(recordReadRows(records)) }
        if let timeTravel {
            out += Format.table(pagedRows(timeTravel))
            out += Format.table(linkStoryRows(timeTravel))
        }
        out += Format.table(reopenRows)
        if let http {
            out += "  HTTP load: POST /v1/relationships, 1 link per commit, \(http.clients) clients × 1 keep-alive connection, no pipelining\n"
            out += Format.table(httpRows(http))
        }
        if let handOver { out += Format.table(handOverRows(handOver)) }
        if let ledgers { out += ledgersText(ledgers) }
        if let peakResidentMB {
            out += Format.table([["  peak RSS (VmHWM at the end)", "\(Format.fixed(peakResidentMB, 1)) MB"]])
        }
        out += "\ntargets\n"
        out += Format.table([["  check", "measured", "target", "verdict"]] + checks.map { check in
            ["  " + check.name, check.measured.map { measuredText($0, unit: check.unit) } ?? "-", check.target, check.verdict]
        })
        return out
    }

    private var contextRows: [[String]] {
        var rows = [
            ["command", machine.commandLine],
            ["machine", "\(machine.cpuModel), \(machine.processors) CPUs (nproc), \(machine.kernel), SQLite \(machine.sqliteVersion), \(machine.build) build"],
            ["load", "\(machine.loadAtStart) at start, \(machine.loadAtEnd) at end (1/5/15 min; above nproc, other work shares the CPUs)"],
        ]
        if let workload {
            let counts = workload.counts
            rows.append(["workload", "\(Format.grouped(options.events)) events, seed \(options.seed): \(workload.setupEvents) setup, "
                         + "\(Format.grouped(counts.link)) link, \(Format.grouped(counts.setAttributes)) setAttributes, \(Format.grouped(counts.unlink)) unlink"])
            rows.append(["", "\(Format.grouped(workload.shape.people)) people (Zipf s=\(WorkloadShape.zipfExponent): hottest "
                         + "\(Format.grouped(workload.hottestPersonEvents)) events, 10th \(Format.grouped(workload.tenthPersonEvents)), "
                         + "median \(Format.grouped(workload.medianPersonEvents))), \(Format.grouped(workload.universe.households)) households, "
                         + "\(Format.grouped(workload.universe.accounts)) accounts"])
            rows.append(["", "\(Format.grouped(workload.universe.orders)) orders, \(Format.grouped(workload.universe.lineItems)) line items; "
                         + "generated in \(Format.fixed(generationSeconds, 1)) s (untimed)"])
        }
        if let stats {
            rows.append(["ledger", "\(Format.grouped(stats.commits)) commits, log \(Format.megabytes(stats.logBytes)), "
                         + "projection \(Format.megabytes(stats.projectionBytes))\(projectionSplit), \(Format.grouped(stats.linkVersions)) link versions, "
                         + "\(Format.grouped(stats.currentLinks)) current links"])
        }
        return rows
    }

    private var projectionSplit: String {
        guard let files = projectionFileBytes else { return "" }
        return " (database \(Format.megabytes(files.database)) + WAL \(Format.megabytes(files.wal)))"
    }

    private var throughputRows: [[String]] {
        guard options.phases.contains(.import) else { return [] }
        var rows = [[
            "  import, durable (Importer.run, \(BenchLimits.importBatchSize) ops/commit, fdatasync each)",
            "\(Format.grouped(importResult.events)) events in \(Format.fixed(importResult.seconds, 2)) s",
            "\(Format.rate(importResult.eventsPerSecond)) events/s, wrote \(written(importResult.bytesWritten, events: importResult.events))",
        ]]
        if let floor {
            rows.append([
                "  SQLite floor (same rows and transactions, no log)",
                "\(Format.grouped(floor.rows)) rows in \(Format.fixed(floor.seconds, 2)) s",
                "\(Format.rate(floor.eventsPerSecond)) events/s, \(Format.rate(floor.rowsPerSecond)) rows/s, wrote \(written(floor.bytesWritten, events: floor.events))",
            ])
            if !floor.unbatchedTables.isEmpty {
                rows.append(["  (tables inserted in the floor's last transaction: \(floor.unbatchedTables.joined(separator: ", ")))"])
            }
        }
        if let ratio = importFloorRatio {
            rows.append(["  import / floor, same run", Format.fixed(ratio, 2), "(floor time \(Format.fixed(floor?.seconds ?? 0, 2)) s / import time \(Format.fixed(importResult.seconds, 2)) s)"])
        }
        if let records, let ratio = recordsImportRatio {
            let imported = records.imported
            rows.append([
                "  import with records (\(Format.grouped(records.setupEvents)) setup, \(Format.grouped(records.records)) person upserts, \(Format.grouped(records.links)) links)",
                "\(Format.grouped(imported.events)) events in \(Format.fixed(imported.seconds, 2)) s",
                "\(Format.rate(imported.eventsPerSecond)) events/s, wrote \(written(imported.bytesWritten, events: imported.events))",
            ])
            if let again = records.importWithoutAgain {
                rows.append(["  import without records again, after it (a ledger of its own)",
                             "\(Format.grouped(again.events)) events in \(Format.fixed(again.seconds, 2)) s",
                             "\(Format.rate(again.eventsPerSecond)) events/s, wrote \(written(again.bytesWritten, events: again.events))"])
            }
            rows.append(["  import with records / without, same run", Format.fixed(ratio, 2),
                         "(\(Format.rate(imported.eventsPerSecond)) / \(Format.rate(importWithoutRecordsEventsPerSecond ?? 0)) events/s; without: the mean of the first import and its repeat)"])
        }
        return rows
    }

    private func recordReadRows(_ records: RecordsResult) -> [[String]] {
        let reads: [(String, LatencySummary, [String])] = [
            ("    findRecords(ofType: person, field: email, value:)", records.emailLookup, ["\(Format.grouped(records.emailMisses)) of them for absent emails"]),
            ("    record(_:asOf: .seq(random, once upserted))", records.recordAsOf, []),
            ("    relationships(of: hot person, type: placed, limit: 100)", records.filteredPage, ["half of them second pages"]),
        ]
        return [["  record reads @ seq \(Format.grouped(records.headSeq)), \(Format.grouped(records.records)) records (µs)", "n", "p50", "p99", "max"]]
            + reads.map { name, latency, note in
                [name, Format.grouped(latency.count), Format.microseconds(latency.p50Us), Format.microseconds(latency.p99Us),
                 Format.microseconds(latency.maxUs)] + note
            }
    }

    private func pagedRows(_ result: TimeTravelResult) -> [[String]] {
        func row(_ name: String, _ latency: PagedLatency) -> [String] {
            ["    " + name, Format.grouped(latency.all.count), Format.microseconds(latency.all.p50Us), Format.microseconds(latency.all.p99Us),
             Format.microseconds(latency.all.maxUs), Format.microseconds(latency.first.p99Us), Format.microseconds(latency.later.p99Us),
             Format.microseconds(latency.cpu.p50Us), Format.microseconds(latency.cpu.p99Us), Format.grouped(latency.rowsReturned)]
        }
        let page = BenchLimits.timeTravelPageSize
        return [["  audit(_:limit: \(page), after:) @ seq \(Format.grouped(result.headSeq)) (µs)", "n", "p50", "p99", "max", "first p99",
                 "later p99", "CPU p50", "CPU p99", "rows returned"]]
            + AuditCase.allCases.compactMap { auditCase in result.audit[auditCase].map { row(auditCase.rawValue, $0) } }
            + [["  diff(from:to:limit: \(page), after:), seqs \(Format.grouped(BenchLimits.diffSpanEvents)) events apart (µs)"]]
            + DiffScope.allCases.compactMap { scope in result.diff[scope].map { row(scope.rawValue, $0) } }
    }

    private func linkStoryRows(_ result: TimeTravelResult) -> [[String]] {
        let story = result.linkStory
        return [["  one link's story @ seq \(Format.grouped(result.headSeq)) (µs)", "n", "p50", "p99", "max", "hot p99", "cold p99", "events returned"],
                ["    versions(of: a current link of a drawn record)", Format.grouped(story.all.count), Format.microseconds(story.all.p50Us),
                 Format.microseconds(story.all.p99Us), Format.microseconds(story.all.maxUs), Format.microseconds(story.hot.p99Us),
                 Format.microseconds(story.cold.p99Us), Format.grouped(story.rowsReturned)]]
    }

    private func handOverRows(_ handOver: HandOverResult) -> [[String]] {
        let ways: [(String, LatencySummary?)] = [
            ("    POST /v1/relationships, kept-alive connection, in process", handOver.httpRequest),
            ("    write-socket hand-over (WriteSocketClient.commit), in process", handOver.socketRequest),
            ("    `ties link` process, handed to the server", handOver.cliProcess),
            ("    `curl` process, the same POST", handOver.curlProcess),
        ]
        return [["  one write at a time to an idle `ties serve` (µs)", "n", "p50", "p99", "max"]]
            + ways.map { name, latency in
                guard let latency else { return [name, "-", "no curl on this machine"] }
                return [name, Format.grouped(latency.count), Format.microseconds(latency.p50Us), Format.microseconds(latency.p99Us),
                        Format.microseconds(latency.maxUs)]
            }
    }

    private func queryRows(_ point: QueryPoint) -> [[String]] {
        var rows = [["  queries @ seq \(Format.grouped(point.headSeq)) (µs)", "n", "p50", "p99", "max", "hot p99", "cold p99", "rows returned"]]
        let kinds: [(String, QueryKindLatency)] = [
            ("    relationships(of:asOf: .seq(random))", point.relationships),
            ("    history(of:limit: \(QueryBench.historyPageSize))", point.history),
        ]
        for (name, latency) in kinds {
            rows.append([name, Format.grouped(latency.all.count), Format.microseconds(latency.all.p50Us), Format.microseconds(latency.all.p99Us),
                         Format.microseconds(latency.all.maxUs), Format.microseconds(latency.hot.p99Us), Format.microseconds(latency.cold.p99Us),
                         Format.grouped(latency.rowsReturned)])
        }
        return rows
    }

    private var reopenRows: [[String]] {
        guard let reopen else { return [] }
        var rows = [["  reopen for writing after a clean close", "median \(Format.fixed(reopen.medianMs, 1)) ms",
                     "runs: " + reopen.runsMs.map { Format.fixed($0, 1) }.joined(separator: ", ") + " ms"]]
        if let restart {
            rows.append(["  restart after projection loss", "\(Format.fixed(restart.fromSnapshotMs, 1)) ms from the snapshot at seq \(Format.grouped(restart.snapshotSeq))",
                         "full replay to seq \(Format.grouped(restart.headSeq)): \(Format.fixed(restart.fullReplayMs, 1)) ms (ratio \(Format.fixed(restart.ratio, 3)))"])
        }
        return rows
    }

    func httpRows(_ http: HTTPLoadResult) -> [[String]] {
        let cpu = http.cpu
        var rows = [
            ["    durable commits (2xx)", "\(Format.grouped(http.succeeded)) in \(Format.fixed(http.seconds, 2)) s",
             "\(Format.rate(http.commitsPerSecond)) commits/s; \(Format.grouped(http.attempted)) of \(Format.grouped(http.requests)) requests sent"],
            ["    latency per answered request (ms)", "p50 \(Format.fixed(http.latencyP50Ms, 2))",
             "p99 \(Format.fixed(http.latencyP99Ms, 2)), max \(Format.fixed(http.latencyMaxMs, 2)) (n = \(Format.grouped(http.latency.count)))"],
            // Counted on a single ledger's service only.
            http.fdatasyncs == 0 ? nil : ["    fdatasyncs by the writer", Format.grouped(http.fdatasyncs),
             http.commitsPerFdatasync.map { "\(Format.fixed($0, 1)) commits per fdatasync (group commit)" } ?? "-"],
            ["    CPU, whole process (server + clients)", "\(Format.fixed(cpu.userSeconds, 2)) s user + \(Format.fixed(cpu.systemSeconds, 2)) s sys",
             (http.cpuUsPerCommit.map { "\(Format.microseconds($0)) µs per commit; " } ?? "")
                + "\(Format.grouped(cpu.voluntarySwitches)) voluntary + \(Format.grouped(cpu.involuntarySwitches)) involuntary context switches"],
            ["    ledger head moved by", "\(Format.grouped(http.headSeqAdvance)) events", "(one per 2xx link)"],
        ].compactMap { $0 }
        if http.errors.isEmpty {
            rows.append(["    errors", "none"])
        }
        for error in http.errors {
            rows.append(["    error: \(error.kind)", "\(Format.grouped(error.count))×", error.example.map { "first: \($0)" } ?? ""])
        }
        return rows
    }

    private func written(_ bytes: Int64, events: Int64) -> String {
        "\(Format.megabytes(bytes)) (\(Format.fixed(Double(bytes) / Double(max(events, 1)) / 1e3, 1)) kB/event)"
    }

    private func measuredText(_ value: Double, unit: String) -> String {
        switch unit {
        case "": return Format.fixed(value, 2)
        case "×": return Format.fixed(value, 2) + "×"
        case "µs": return Format.microseconds(value) + " µs"
        case "ms": return Format.fixed(value, value < 10 ? 2 : 1) + " ms"
        case "commits/s", "events/s": return Format.rate(value) + " " + unit
        case "errors": return Format.grouped(Int64(value)) + " errors"
        default: return Format.fixed(value, 1) + " " + unit
        }
    }
}
