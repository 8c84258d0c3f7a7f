/// What the ledgers phase measured: the spread load over many ledgers of
/// one server (with every ledger open, and again under a smaller bound),
/// and a quiet tenant beside an importing one.
struct LedgersResult: Equatable {
    var ledgers: Int
    /// The same clients and links against one ledger, in rounds taking turns with `allOpen`.
    var single: HTTPLoadResult
    /// The spread load with all `ledgers` open at once: serving, not opening.
    var allOpen: HTTPLoadResult
    /// The same load with at most `maxOpen` open, ledgers opening and
    /// closing as requests move; nil when skipped.
    var bounded: BoundedRun?
    var tenants: TenantsResult
    /// This process's resident set before the ledgers were created, and
    /// with all of them open after the spread load (VmRSS, KiB).
    var residentKiBBefore: Int?
    var residentKiBAllOpen: Int?

    struct BoundedRun: Equatable {
        var maxOpen: Int
        var load: HTTPLoadResult
    }
}

/// One tenant importing flat out while another writes and reads at a
/// steady rate, both on one `ties serve --ledgers` server.
struct TenantsResult: Equatable {
    /// The importer's batches: each a request of `batchSize` links, one commit.
    var importer: HTTPLoadResult
    var batchSize: Int
    /// Events the importing ledger's head moved by.
    var importedEvents: Int64 = 0
    var quiet: QuietResult
    /// The quiet tenant alone for `BenchLimits.quietAloneMs` just before the import.
    var quietAlone: QuietResult

    var importEventsPerSecond: Double { importer.seconds > 0 ? Double(importedEvents) / importer.seconds : 0 }
}

/// The quiet tenant: a single-link write and a read of that person's
/// relationships every 1/rate s, on one keep-alive connection, for as long
/// as the import runs. Latency is send to answer.
struct QuietResult: Equatable {
    var rate: Int
    /// Ticks started: each a write, then a read.
    var ticks = 0
    var seconds = 0.0
    var writes = LatencySummary(nanoseconds: [])
    var reads = LatencySummary(nanoseconds: [])
    var attempted = 0
    var succeeded = 0
    /// Writes' and reads' failures, their kinds prefixed `write:` and `read:`.
    var errors: [HTTPLoadError] = []

    var errorCount: Int { errors.reduce(0) { $0 + $1.count } }
}
