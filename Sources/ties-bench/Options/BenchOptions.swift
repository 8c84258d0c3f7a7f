import TiesCore
import TiesTestSupport

/// What one run does, parsed from the command line.
struct BenchOptions: Equatable {
    var events = BenchLimits.eventsDefault
    var seed: UInt64 = 42
    var queries = BenchLimits.queriesDefault
    /// Person records for the records phase; 0 leaves the phase out.
    var records = 0
    var httpRequests = BenchLimits.httpRequestsDefault
    var httpClients = BenchLimits.httpClientsDefault
    var ledgers = BenchLimits.ledgersDefault
    /// The bound on open ledgers of the ledgers phase's second run.
    var ledgersMaxOpen = Limits.openLedgersDefault
    /// Requests of that second run; 0 leaves it out.
    var ledgersBoundedRequests = BenchLimits.ledgersBoundedRequestsDefault
    var tenantImportEvents = BenchLimits.tenantImportEventsDefault
    var tenantImportClients = BenchLimits.tenantImportClientsDefault
    var quietRate = BenchLimits.quietRateDefault
    var phases = Set(BenchPhase.allCases)
    /// nil: a new directory under `$TMPDIR`.
    var directory: String?
    var keep = false
    var json = false
    var help = false

    static let usage = """
        usage: ties-bench [--phases LIST] [--events N] [--records R] [--seed S] [--queries Q]
                          [--http-requests N] [--http-clients C] [--ledgers L] [--ledgers-max-open M]
                          [--ledgers-bounded-requests N] [--ledgers-import-events N] [--ledgers-import-clients C]
                          [--ledgers-quiet-rate R] [--dir DIR] [--keep] [--json]

        Measures Ties on a deterministic synthetic workload, in one run:
          1. generates N events of import operations (seeded SplitMix64, Zipf-skewed people),
          2. imports them durably through the real write path (Importer, 1000 operations per commit),
          3. inserts the same projection rows straight into SQLite (the "floor": no log, no checks),
          4. times relationships(as-of) and history queries at \(BenchLimits.earlyPointEvents) events and at N,
          5. times reopening the ledger after a clean close,
          6. starts the HTTP server in-process on 127.0.0.1 over a new ledger; --http-clients keep-alive
             clients send --http-requests single-link commits (POST /v1/relationships), each client
             waiting for one answer before its next request; the ledger's policy takes an automatic
             snapshot halfway through, so the latencies include what a snapshot costs the writer,
          7. times pages of 100 of audit searches (each filter, first pages and pages through the
             cursor; the import's commits are by a few actors taking turns), pages of 100 of diffs
             between seqs \(BenchLimits.diffSpanEvents) events apart (whole ledger, one record, one type), and one
             link's story on links of hot and cold records, Q of each, at N,
          8. with --records R, right after step 2: imports N events of the same workload into a ledger
             of its own, R of them person-record upserts (email a unique identifier, city another) in
             place of as many links; then step 2's import again into a ledger of its own, and
             compares the rate with the mean of the two imports around it; times Q findRecords by
             email and Q record(_:asOf:) reads on it,
          9. with the cli phase: on a ledger of its own, served in-process, 200 single-link writes each
             way, one at a time: POST /v1/relationships, a hand-over on the write socket, a `ties link`
             process (handed to the server; `ties` must be built next to ties-bench) and a `curl` process,
         10. with the ledgers phase: L ledgers under one in-process `ties serve --ledgers` server, each with
             an append key of its own and the link type (set up through the API before timing, so all L are
             open), then step 6's clients and requests, each request to a ledger drawn uniformly at random
             (seeded), in \(BenchLimits.ledgersRounds) rounds taking turns with the same against one ledger (a server of its
             own, no automatic snapshot), compared on commits/s; again with at most M ledgers open,
             so ledgers open and close as requests move (--ledgers-bounded-requests of them); last, on a
             server of its own, tenant `big` imports --ledgers-import-events links in batches of
             \(BenchLimits.importBatchSize) (POST /v1/ledgers/big/batch, --ledgers-import-clients clients) while tenant
             `quiet` writes one link and reads that person's relationships R times a second each,
         11. reads the peak RSS.
        Each measurement is printed next to its target with PASS or MISS.

        options:
          --phases LIST       comma-separated, of \(BenchPhase.allCases.map(\.rawValue).joined(separator: ", ")) or all (default all);
                              queries, reopen and audit measure the imported ledger, so they bring import in
          --events N          events to generate and import, \(BenchLimits.eventsMin)...\(BenchLimits.eventsMax) (default \(BenchLimits.eventsDefault))
          --records R         person records in the records phase, counted inside N, 0...min(N/2, \(BenchLimits.recordsMax(events: .max)))
                              (default 0: no records phase); brings in import, whose rate it is compared with
          --seed S            workload seed, 0...\(UInt64.max) (default 42)
          --queries Q         queries (or pages) of each kind per measurement point, \(BenchLimits.queriesMin)...\(BenchLimits.queriesMax) (default \(BenchLimits.queriesDefault))
          --http-requests N   links the HTTP load sends, \(BenchLimits.httpRequestsMin)...\(BenchLimits.httpRequestsMax) (default \(BenchLimits.httpRequestsDefault))
          --http-clients C    HTTP client threads, one keep-alive connection each, \(BenchLimits.httpClientsMin)...\(BenchLimits.httpClientsMax) (default \(BenchLimits.httpClientsDefault))
          --ledgers L         ledgers in the ledgers phase's server, \(BenchLimits.ledgersMin)...\(BenchLimits.ledgersMax) (default \(BenchLimits.ledgersDefault))
          --ledgers-max-open M
                              the bound on open ledgers of its second run, 1...\(Limits.openLedgersMax) (default \(Limits.openLedgersDefault), the server's)
          --ledgers-bounded-requests N
                              links that second run sends, 0 (no second run) or \(BenchLimits.httpRequestsMin)...\(BenchLimits.httpRequestsMax) (default \(BenchLimits.ledgersBoundedRequestsDefault))
          --ledgers-import-events N
                              links the importing tenant sends, \(BenchLimits.eventsMin)...\(BenchLimits.eventsMax) (default \(BenchLimits.tenantImportEventsDefault))
          --ledgers-import-clients C
                              its clients, one keep-alive connection each, \(BenchLimits.tenantImportClientsMin)...\(BenchLimits.tenantImportClientsMax) (default \(BenchLimits.tenantImportClientsDefault))
          --ledgers-quiet-rate R
                              the quiet tenant's writes per second, and as many reads, \(BenchLimits.quietRateMin)...\(BenchLimits.quietRateMax) (default \(BenchLimits.quietRateDefault))
          --dir DIR           working directory; must be absent or empty (default: a new one under $TMPDIR)
          --keep              keep the working directory (ledgers, workload files, floor database)
          --json              print the report as one JSON object instead of text
          --help              show this help

        Progress goes to stderr. Exit status: 0 the run completed (whatever PASS/MISS says),
        1 the run failed, 2 bad arguments.
        """

    /// Parses `arguments` (without the program name). Errors name the option.
    static func parse(_ arguments: [String]) throws(BenchError) -> BenchOptions {
        var options = BenchOptions()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            let (name, inlineValue) = split(argument)
            func value() throws(BenchError) -> String {
                if let inlineValue { return inlineValue }
                guard let next = remaining.popFirst() else { throw .usage("\(name) needs a value") }
                return next
            }
            switch name {
            case "--events": options.events = try integer(try value(), option: name, in: BenchLimits.eventsMin...BenchLimits.eventsMax)
            case "--records": options.records = try integer(try value(), option: name, in: 0...BenchLimits.recordsMax(events: BenchLimits.eventsMax))
            case "--seed": options.seed = try unsigned(try value(), option: name)
            case "--queries": options.queries = try integer(try value(), option: name, in: BenchLimits.queriesMin...BenchLimits.queriesMax)
            case "--http-requests":
                options.httpRequests = try integer(try value(), option: name, in: BenchLimits.httpRequestsMin...BenchLimits.httpRequestsMax)
            case "--http-clients":
                options.httpClients = try integer(try value(), option: name, in: BenchLimits.httpClientsMin...BenchLimits.httpClientsMax)
            case "--ledgers": options.ledgers = try integer(try value(), option: name, in: BenchLimits.ledgersMin...BenchLimits.ledgersMax)
            case "--ledgers-max-open": options.ledgersMaxOpen = try integer(try value(), option: name, in: 1...Limits.openLedgersMax)
            case "--ledgers-bounded-requests":
                options.ledgersBoundedRequests = try integer(try value(), option: name, in: 0...BenchLimits.httpRequestsMax)
                guard options.ledgersBoundedRequests == 0 || options.ledgersBoundedRequests >= BenchLimits.httpRequestsMin else {
                    throw .usage("\(name) must be 0 or between \(BenchLimits.httpRequestsMin) and \(BenchLimits.httpRequestsMax), got \(options.ledgersBoundedRequests)")
                }
            case "--ledgers-import-events":
                options.tenantImportEvents = try integer(try value(), option: name, in: BenchLimits.eventsMin...BenchLimits.eventsMax)
            case "--ledgers-import-clients":
                options.tenantImportClients = try integer(try value(), option: name, in: BenchLimits.tenantImportClientsMin...BenchLimits.tenantImportClientsMax)
            case "--ledgers-quiet-rate": options.quietRate = try integer(try value(), option: name, in: BenchLimits.quietRateMin...BenchLimits.quietRateMax)
            case "--phases": options.phases = try phases(try value())
            case "--dir": options.directory = try directory(try value())
            case "--keep", "--json", "--help", "-h":
                if inlineValue != nil { throw .usage("\(name) takes no value") }
                switch name {
                case "--keep": options.keep = true
                case "--json": options.json = true
                default: options.help = true
                }
            default:
                throw .usage("unknown argument '\(argument)'")
            }
        }
        guard options.records <= BenchLimits.recordsMax(events: options.events) else {
            throw .usage("--records must be at most \(BenchLimits.recordsMax(events: options.events)) with --events \(options.events) (at most half the events), got \(options.records)")
        }
        // The records phase compares its import with the main one.
        if options.records > 0 { options.phases.insert(.import) }
        return options
    }

    private static func split(_ argument: String) -> (String, String?) {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    /// Digits with optional `_` separators (`1_000_000`), as Swift writes them.
    private static func unsigned(_ text: String, option: String) throws(BenchError) -> UInt64 {
        let digits = text.filter { $0 != "_" }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (48...57).contains($0) }), let number = UInt64(digits) else {
            throw .usage("\(option) must be a non-negative integer, got '\(text)'")
        }
        return number
    }

    private static func integer(_ text: String, option: String, in range: ClosedRange<Int>) throws(BenchError) -> Int {
        let number = try unsigned(text, option: option)
        guard number <= UInt64(range.upperBound), range.contains(Int(number)) else {
            throw .usage("\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(text)")
        }
        return Int(number)
    }

    /// `import,http`; queries, reopen and audit measure the imported ledger, so they imply import.
    private static func phases(_ text: String) throws(BenchError) -> Set<BenchPhase> {
        var phases = Set<BenchPhase>()
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = String(name.filter { $0 != " " })
            if trimmed == "all" {
                phases.formUnion(BenchPhase.allCases)
                continue
            }
            guard let phase = BenchPhase(rawValue: trimmed) else {
                throw .usage("--phases takes a comma-separated list of \(BenchPhase.allCases.map(\.rawValue).joined(separator: ", ")) or all, got '\(text)'")
            }
            phases.insert(phase)
        }
        if !phases.isDisjoint(with: [.queries, .reopen, .audit]) { phases.insert(.import) }
        return phases
    }

    private static func directory(_ text: String) throws(BenchError) -> String {
        guard !text.isEmpty, text.utf8.count <= BenchLimits.directoryBytesMax, !text.utf8.contains(0) else {
            throw .usage("--dir must be a path of 1...\(BenchLimits.directoryBytesMax) bytes")
        }
        return text
    }
}
