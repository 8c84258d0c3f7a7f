import TiesCore

/// The ledgers phase in the report: its checks, its text and its JSON.
extension BenchReport {
    /// The spread load against one ledger, same clients, rounds taking turns.
    var ledgersCommitsRatio: Double? {
        guard let ledgers, ledgers.single.commitsPerSecond > 0 else { return nil }
        return ledgers.allOpen.commitsPerSecond / ledgers.single.commitsPerSecond
    }

    func ledgersChecks(_ ledgers: LedgersResult) -> [Check] {
        let many = "\(Format.grouped(ledgers.ledgers)) ledgers, one server"
        let during = "while ledger big imports \(Format.grouped(options.tenantImportEvents)) events"
        let tenants = ledgers.tenants
        return [
            Check(name: "\(many) / one ledger: HTTP durable commits/s (same clients, rounds taking turns)", measured: ledgersCommitsRatio, unit: "×",
                  limit: Targets.ledgersCommitsRatioMin, atLeast: true),
            Check(name: "\(many): HTTP errors (non-2xx, I/O, unsent)", measured: Double(ledgers.allOpen.errorCount), unit: "errors",
                  limit: Targets.httpErrorsMax, atLeast: false),
            Check(name: "quiet tenant's single-link write p99 \(during)", measured: tenants.quiet.writes.p99Us / 1_000, unit: "ms",
                  limit: Targets.quietTenantP99MsMax, atLeast: false),
            Check(name: "quiet tenant's read p99 \(during)", measured: tenants.quiet.reads.p99Us / 1_000, unit: "ms",
                  limit: Targets.quietTenantP99MsMax, atLeast: false),
            Check(name: "quiet tenant's and importer's errors", measured: Double(tenants.quiet.errorCount + tenants.quietAlone.errorCount + tenants.importer.errorCount), unit: "errors",
                  limit: Targets.httpErrorsMax, atLeast: false),
        ]
    }

    func ledgersText(_ ledgers: LedgersResult) -> String {
        let rounds = "\(BenchLimits.ledgersRounds) rounds each, taking turns (one, many, many, one, …)"
        var out = "  many ledgers, one server (`ties serve --ledgers`): POST /v1/ledgers/NAME/relationships, 1 link per commit, "
            + "\(ledgers.allOpen.clients) clients × 1 keep-alive connection, \(LedgersBench.spread)\n"
        out += "  against one ledger (POST /v1/relationships, a server of its own, no automatic snapshot), \(rounds)\n"
        out += Format.table(httpRows(ledgers.single))
        out += "  \(Format.grouped(ledgers.ledgers)) ledgers, all open (max open \(Format.grouped(ledgers.ledgers)))"
            + (ledgersCommitsRatio.map { ": \(Format.fixed($0, 2))× one ledger's commits/s" } ?? "") + "\n"
        out += Format.table(httpRows(ledgers.allOpen) + residentRows(ledgers))
        if let bounded = ledgers.bounded {
            let single = ledgers.single.commitsPerSecond
            let ratio = single > 0 ? ": \(Format.fixed(bounded.load.commitsPerSecond / single, 2))× one ledger's commits/s" : ""
            out += "  \(Format.grouped(ledgers.ledgers)) ledgers, at most \(bounded.maxOpen) open: ledgers open and close as requests move, after the rounds\(ratio)\n"
            out += Format.table(httpRows(bounded.load))
        }
        out += Format.table(tenantRows(ledgers.tenants))
        return out
    }

    private func residentRows(_ ledgers: LedgersResult) -> [[String]] {
        guard let before = ledgers.residentKiBBefore, let open = ledgers.residentKiBAllOpen else { return [] }
        let perLedger = Double(open - before) * 1024 / Double(ledgers.ledgers) / 1e3
        return [["    resident set (VmRSS), whole process", "\(Format.fixed(Double(before) * 1024 / 1e6, 1)) MB before the ledgers",
                 "\(Format.fixed(Double(open) * 1024 / 1e6, 1)) MB with all \(Format.grouped(ledgers.ledgers)) open after the load: \(Format.fixed(perLedger, 0)) kB per open ledger"]]
    }

    private func tenantRows(_ tenants: TenantsResult) -> [[String]] {
        let importer = tenants.importer
        let quiet = tenants.quiet
        let alone = tenants.quietAlone
        func ms(_ us: Double) -> String { Format.fixed(us / 1_000, 2) }
        var rows = [
            ["  one tenant importing, one quiet, on one server", "n", "p50 ms", "p99 ms", "max ms"],
            ["    ledger big: POST /batch of \(Format.grouped(tenants.batchSize)) links, \(importer.clients) clients", Format.grouped(importer.latency.count),
             ms(importer.latency.p50Us), ms(importer.latency.p99Us), ms(importer.latency.maxUs),
             "\(Format.grouped(tenants.importedEvents)) events in \(Format.fixed(importer.seconds, 1)) s: \(Format.rate(tenants.importEventsPerSecond)) events/s"],
            ["    ledger quiet: single-link write, \(quiet.rate)/s", Format.grouped(quiet.writes.count), ms(quiet.writes.p50Us), ms(quiet.writes.p99Us),
             ms(quiet.writes.maxUs), "for \(Format.fixed(quiet.seconds, 1)) s, one connection"],
            ["    ledger quiet: GET that person's relationships, \(quiet.rate)/s", Format.grouped(quiet.reads.count), ms(quiet.reads.p50Us),
             ms(quiet.reads.p99Us), ms(quiet.reads.maxUs)],
            ["    ledger quiet alone, just before: write, \(quiet.rate)/s", Format.grouped(alone.writes.count), ms(alone.writes.p50Us),
             ms(alone.writes.p99Us), ms(alone.writes.maxUs), "for \(Format.fixed(alone.seconds, 1)) s: the machine's other work without the import"],
            ["    ledger quiet alone, just before: read, \(quiet.rate)/s", Format.grouped(alone.reads.count), ms(alone.reads.p50Us),
             ms(alone.reads.p99Us), ms(alone.reads.maxUs)],
        ]
        let errors = importer.errors.map { HTTPLoadError(kind: "big: " + $0.kind, count: $0.count, example: $0.example) }
            + (quiet.errors + alone.errors).map { HTTPLoadError(kind: "quiet: " + $0.kind, count: $0.count, example: $0.example) }
        if errors.isEmpty { rows.append(["    errors", "none"]) }
        for error in errors {
            rows.append(["    error: \(error.kind)", "\(Format.grouped(error.count))×", error.example.map { "first: \($0)" } ?? ""])
        }
        return rows
    }

    func ledgersJSON(_ ledgers: LedgersResult) -> JSONValue {
        let tenants = ledgers.tenants
        return .object([
            "ledgers": .int(Int64(ledgers.ledgers)), "spread": .string(LedgersBench.spread),
            "rounds": .int(Int64(BenchLimits.ledgersRounds)), "single": Self.json(ledgers.single), "allOpen": Self.json(ledgers.allOpen),
            "residentKiBBefore": ledgers.residentKiBBefore.map { .int(Int64($0)) } ?? .null,
            "residentKiBAllOpen": ledgers.residentKiBAllOpen.map { .int(Int64($0)) } ?? .null,
            "ratioToSingleLedger": ledgersCommitsRatio.map(JSONValue.double) ?? .null,
            "bounded": ledgers.bounded.map { .object(["maxOpen": .int(Int64($0.maxOpen)), "load": Self.json($0.load)]) } ?? .null,
            "tenants": .object([
                "importer": Self.json(tenants.importer), "batchSize": .int(Int64(tenants.batchSize)),
                "importedEvents": .int(tenants.importedEvents), "importEventsPerSecond": .double(tenants.importEventsPerSecond),
                "quiet": json(tenants.quiet), "quietAlone": json(tenants.quietAlone),
            ]),
        ])
    }

    private func json(_ quiet: QuietResult) -> JSONValue {
        .object([
            "rate": .int(Int64(quiet.rate)), "ticks": .int(Int64(quiet.ticks)), "seconds": .double(quiet.seconds),
            "writes": Self.json(quiet.writes), "reads": Self.json(quiet.reads),
            "attempted": .int(Int64(quiet.attempted)), "succeeded": .int(Int64(quiet.succeeded)),
            "errorCount": .int(Int64(quiet.errorCount)), "errors": Self.json(quiet.errors),
        ])
    }
}
