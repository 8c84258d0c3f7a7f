import TiesCore
import TiesStore

/// The machine-readable report: one JSON object, keys in byte order (the
/// ledger's canonical writer), units in the key names.
extension BenchReport {
    var json: String {
        var fields: [String: JSONValue] = [
            "command": .string(machine.commandLine),
            "machine": .object([
                "cpuModel": .string(machine.cpuModel), "nproc": .int(Int64(machine.processors)), "kernel": .string(machine.kernel),
                "loadAverageAtStart": .string(machine.loadAtStart), "loadAverageAtEnd": .string(machine.loadAtEnd),
                "sqliteVersion": .string(machine.sqliteVersion), "build": .string(machine.build),
            ]),
            "options": .object([
                "events": .int(Int64(options.events)), "records": .int(Int64(options.records)), "seed": .string(String(options.seed)),
                "queries": .int(Int64(options.queries)),
                "httpRequests": .int(Int64(options.httpRequests)), "httpClients": .int(Int64(options.httpClients)),
                "ledgers": .int(Int64(options.ledgers)), "ledgersMaxOpen": .int(Int64(options.ledgersMaxOpen)),
                "ledgersBoundedRequests": .int(Int64(options.ledgersBoundedRequests)),
                "ledgersImportEvents": .int(Int64(options.tenantImportEvents)), "ledgersImportClients": .int(Int64(options.tenantImportClients)),
                "ledgersQuietRate": .int(Int64(options.quietRate)),
                "phases": .array(options.phases.sorted().map { .string($0.rawValue) }),
            ]),
            "import": !options.phases.contains(.import) ? .null : Self.json(importResult),
            "queries": .array(queryPoints.map(Self.json)),
            "importFloorRatio": importFloorRatio.map(JSONValue.double) ?? .null,
            "restart": restart.map { .object(["snapshotSeq": .int($0.snapshotSeq), "headSeq": .int($0.headSeq),
                                              "fromSnapshotMs": .double($0.fromSnapshotMs), "fullReplayMs": .double($0.fullReplayMs),
                                              "ratio": .double($0.ratio)]) } ?? .null,
            "reopenMs": reopen.map { .object(["median": .double($0.medianMs), "runs": .array($0.runsMs.map(JSONValue.double))]) } ?? .null,
            "peakRssKiB": peakResidentKiB.map { .int(Int64($0)) } ?? .null,
            "checks": .array(checks.map { check in
                .object(["name": .string(check.name), "measured": check.measured.map(JSONValue.double) ?? .null, "unit": .string(check.unit),
                         "target": .string(check.target), "limit": .double(check.limit), "atLeast": .bool(check.atLeast),
                         "pass": check.pass.map(JSONValue.bool) ?? .null])
            }),
        ]
        fields["workload"] = workload.map { workloadJSON($0) } ?? .null
        fields["floor"] = floor.map(Self.json) ?? .null
        fields["records"] = records.map { recordsJSON($0) } ?? .null
        fields["audit"] = timeTravel.map(Self.json) ?? .null
        fields["http"] = http.map(Self.json) ?? .null
        fields["cli"] = handOver.map { handOver in
            .object(["httpRequest": Self.json(handOver.httpRequest), "socketRequest": Self.json(handOver.socketRequest),
                     "cliProcess": Self.json(handOver.cliProcess), "curlProcess": handOver.curlProcess.map { Self.json($0) } ?? .null,
                     "processRatioP50": handOver.processRatioP50.map(JSONValue.double) ?? .null,
                     "processRatioP99": handOver.processRatioP99.map(JSONValue.double) ?? .null,
                     "requestRatioP50": .double(handOver.requestRatioP50), "requestRatioP99": .double(handOver.requestRatioP99)])
        } ?? .null
        fields["ledgers"] = ledgers.map(ledgersJSON) ?? .null
        var ledger = stats?.jsonValue.objectValue ?? [:]
        if let files = projectionFileBytes {
            ledger["projectionDatabaseBytes"] = .int(files.database)
            ledger["projectionWalBytes"] = .int(files.wal)
        }
        fields["ledger"] = stats == nil ? .null : .object(ledger)
        return JSONValue.object(fields).encodedString
    }

    private func workloadJSON(_ workload: WorkloadSummary) -> JSONValue {
        .object([
            "setupEvents": .int(Int64(workload.setupEvents)), "link": .int(Int64(workload.counts.link)),
            "setAttributes": .int(Int64(workload.counts.setAttributes)), "unlink": .int(Int64(workload.counts.unlink)),
            "people": .int(Int64(workload.shape.people)), "zipfExponent": .double(WorkloadShape.zipfExponent),
            "households": .int(Int64(workload.universe.households)), "accounts": .int(Int64(workload.universe.accounts)),
            "orders": .int(Int64(workload.universe.orders)), "lineItems": .int(Int64(workload.universe.lineItems)),
            "hottestPersonEvents": .int(Int64(workload.hottestPersonEvents)), "tenthPersonEvents": .int(Int64(workload.tenthPersonEvents)),
            "medianPersonEvents": .int(Int64(workload.medianPersonEvents)), "generationSeconds": .double(generationSeconds),
        ])
    }

    private func recordsJSON(_ records: RecordsResult) -> JSONValue {
        .object([
            "records": .int(Int64(records.records)), "setupEvents": .int(Int64(records.setupEvents)), "links": .int(Int64(records.links)),
            "import": Self.json(records.imported), "importRatioToWithout": recordsImportRatio.map(JSONValue.double) ?? .null,
            "importWithoutAgain": records.importWithoutAgain.map { Self.json($0) } ?? .null,
            "headSeq": .int(records.headSeq), "findRecordsByEmail": Self.json(records.emailLookup),
            "findRecordsByEmailMisses": .int(Int64(records.emailMisses)), "recordAsOf": Self.json(records.recordAsOf),
            "filteredPage": Self.json(records.filteredPage),
        ])
    }

    private static func json(_ result: ImportResult) -> JSONValue {
        .object([
            "events": .int(result.events), "commits": .int(Int64(result.commits)), "seconds": .double(result.seconds),
            "eventsPerSecond": .double(result.eventsPerSecond), "bytesWritten": .int(result.bytesWritten),
        ])
    }

    private static func json(_ floor: FloorResult) -> JSONValue {
        .object([
            "rows": .int(Int64(floor.rows)), "events": .int(floor.events), "transactions": .int(Int64(floor.transactions)),
            "seconds": .double(floor.seconds), "rowsPerSecond": .double(floor.rowsPerSecond), "eventsPerSecond": .double(floor.eventsPerSecond),
            "bytesWritten": .int(floor.bytesWritten),
            "rowsByTable": .object(floor.rowsByTable.mapValues { .int(Int64($0)) }),
            "unbatchedTables": .array(floor.unbatchedTables.map(JSONValue.string)),
        ])
    }

    static func json(_ http: HTTPLoadResult) -> JSONValue {
        .object([
            "clients": .int(Int64(http.clients)), "requests": .int(Int64(http.requests)), "attempted": .int(Int64(http.attempted)),
            "succeeded": .int(Int64(http.succeeded)), "seconds": .double(http.seconds), "commitsPerSecond": .double(http.commitsPerSecond),
            "latency": .object(["count": .int(Int64(http.latency.count)), "p50Ms": .double(http.latencyP50Ms),
                                "p99Ms": .double(http.latencyP99Ms), "maxMs": .double(http.latencyMaxMs)]),
            "fdatasyncs": .int(Int64(http.fdatasyncs)), "commitsPerFdatasync": http.commitsPerFdatasync.map(JSONValue.double) ?? .null,
            "headSeqAdvance": .int(http.headSeqAdvance),
            "cpu": .object(["userSeconds": .double(http.cpu.userSeconds), "systemSeconds": .double(http.cpu.systemSeconds),
                            "voluntaryContextSwitches": .int(http.cpu.voluntarySwitches),
                            "involuntaryContextSwitches": .int(http.cpu.involuntarySwitches),
                            "usPerCommit": http.cpuUsPerCommit.map(JSONValue.double) ?? .null]),
            "errorCount": .int(Int64(http.errorCount)),
            "errors": json(http.errors),
        ])
    }

    static func json(_ errors: [HTTPLoadError]) -> JSONValue {
        .array(errors.map { error in
            .object(["kind": .string(error.kind), "count": .int(Int64(error.count)), "example": error.example.map(JSONValue.string) ?? .null])
        })
    }

    private static func json(_ result: TimeTravelResult) -> JSONValue {
        .object([
            "headSeq": .int(result.headSeq), "pageSize": .int(Int64(BenchLimits.timeTravelPageSize)),
            "pagesPerWalk": .int(Int64(BenchLimits.pagesPerWalk)), "diffSpanEvents": .int(Int64(BenchLimits.diffSpanEvents)),
            "auditPages": .object(Dictionary(uniqueKeysWithValues: result.audit.map { ($0.key.rawValue, json($0.value)) })),
            "diffPages": .object(Dictionary(uniqueKeysWithValues: result.diff.map { ($0.key.rawValue, json($0.value)) })),
            "linkStory": json(result.linkStory),
        ])
    }

    private static func json(_ latency: PagedLatency) -> JSONValue {
        .object(["all": json(latency.all), "firstPages": json(latency.first), "laterPages": json(latency.later), "cpu": json(latency.cpu),
                 "rowsReturned": .int(Int64(latency.rowsReturned))])
    }

    private static func json(_ point: QueryPoint) -> JSONValue {
        .object(["headSeq": .int(point.headSeq), "relationships": json(point.relationships), "history": json(point.history)])
    }

    private static func json(_ latency: QueryKindLatency) -> JSONValue {
        .object(["all": json(latency.all), "hot": json(latency.hot), "cold": json(latency.cold), "rowsReturned": .int(Int64(latency.rowsReturned))])
    }

    static func json(_ summary: LatencySummary) -> JSONValue {
        .object(["count": .int(Int64(summary.count)), "p50Us": .double(summary.p50Us), "p99Us": .double(summary.p99Us), "maxUs": .double(summary.maxUs)])
    }
}
