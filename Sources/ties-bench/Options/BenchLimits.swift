import TiesCore
import TiesHTTP
import TiesTestSupport

/// Every bound of the benchmark in one place, each with its reason.
enum BenchLimits {
    /// Fewer events than this say nothing about throughput: the fixed costs
    /// (setup commit, first fsyncs, SQLite warm-up) dominate.
    static let eventsMin = 1_000
    /// 50M events is a ~15 GB log and hours of import: beyond that the run
    /// is an endurance test, not a benchmark.
    static let eventsMax = 50_000_000
    static let eventsDefault = 1_000_000
    /// The early query point: latency here and at the end shows whether
    /// queries slow down as the ledger grows.
    static let earlyPointEvents = 100_000
    /// Percentiles below ~100 samples are noise; a million is minutes of
    /// querying per point.
    static let queriesMin = 100
    static let queriesMax = 1_000_000
    static let queriesDefault = 2_000
    /// Person records in the records phase's workload, counted inside
    /// `--events`: at most half of them, so the links the import rate is
    /// compared on stay the larger part, and at most 10M, past which the
    /// generator's 8 bytes a record (upsert order, upsert seq) weigh on
    /// the peak RSS the run also checks.
    static func recordsMax(events: Int) -> Int { min(10_000_000, events / 2) }
    /// Reopens timed; the median of a few resists one slow open.
    static let reopenRuns = 5
    /// PATH_MAX on Linux, less room for the file names the run adds.
    static let directoryBytesMax = 3_800
    /// Operations per import commit: the CLI's default batch.
    static let importBatchSize = 1_000
    /// Events in each import file committed by one actor (WorkloadActors):
    /// as many as the projection applies in one bulk transaction, so
    /// cutting the import adds few transactions.
    static let actorSegmentEvents = Limits.projectionBatchEventsMax
    /// Audit and diff pages: the page the targets are about, the
    /// default of `ties audit` and `ties diff`.
    static let timeTravelPageSize = 100
    /// Pages per walk through a cursor: the first and the ones after it.
    static let pagesPerWalk = 4
    /// How far apart a diff's two points are, in events: the issue's "10k
    /// commits" of one event each (HTTP writes). A diff's work is the link
    /// versions that begin or end between its points, one or two per
    /// event, whatever the commits; the import's commits hold 1,000 events.
    static let diffSpanEvents = 10_000
    /// HTTP load: 100k links is ~10 s at the target rate, enough for the
    /// group commit to settle and the p99 to mean something; 10M is hours
    /// at a bad rate and ~160 MB of latency samples.
    static let httpRequestsMin = 100
    static let httpRequestsMax = 10_000_000
    static let httpRequestsDefault = 100_000
    /// One thread and one connection each; the server admits 256 connections.
    static let httpClientsMin = 1
    static let httpClientsMax = 256
    static let httpClientsDefault = 32
    /// The load stops starting requests after 60 s plus one second per
    /// 1,000 requests: a run at a tenth of the target rate has said enough.
    static func httpRunSecondsMax(requests: Int) -> UInt64 { 60 + UInt64(requests / 1_000) }
    /// Stopping the server: the writer drains its queue within this.
    static let httpStopGraceMs = 5_000
    /// Rounds of the cli phase, each one write each way: enough for a p99
    /// of process start-ups, few enough to stay under a minute.
    static let handOverWrites = 200
    /// Server log lines (warnings, refused requests) passed to stderr; the rest are counted in the report's errors.
    static let httpServerLogLinesMax = 20
    /// Ledgers of the ledgers phase's server: the 1,000 by default;
    /// at least 2 to spread over, at most what a server may hold open
    /// (`Limits.openLedgersMax`), since the first run holds all of them open.
    static let ledgersMin = 2
    static let ledgersMax = Limits.openLedgersMax
    static let ledgersDefault = 1_000
    /// The spread over all ledgers open and the single ledger it is compared
    /// with take turns in this many rounds each (single, many, many,
    /// single, …), so that a change in the shared machine's load falls on both.
    static let ledgersRounds = 4
    /// The second run of the spread load, with the server's default bound
    /// on open ledgers, so ledgers open and close as requests move: an open
    /// and a close cost milliseconds (a few hundred commits/s were
    /// measured), so it sends fewer requests, within its deadline; 0 skips it.
    static let ledgersBoundedRequestsDefault = 10_000
    /// Events the importing tenant sends, in batches of `importBatchSize`:
    /// the million by default; the same bounds as `--events`.
    static let tenantImportEventsDefault = 1_000_000
    /// Importing clients, one keep-alive connection each: a few keep the
    /// tenant's writer busy; a tenant may have half the server's requests in flight.
    static let tenantImportClientsMin = 1
    static let tenantImportClientsMax = HTTPLimits.requestsInFlightMax / 2
    static let tenantImportClientsDefault = 4
    /// The quiet tenant's writes per second (and as many reads): a steady,
    /// modest rate, one write and one read every 1/rate s on one connection.
    static let quietRateMin = 1
    static let quietRateMax = 1_000
    static let quietRateDefault = 50
    /// The importer stops starting batches after 60 s plus one second per
    /// 1,000 events (a tenth of a slow import's rate).
    static func tenantImportSecondsMax(events: Int) -> UInt64 { 60 + UInt64(events / 1_000) }
    /// The quiet tenant alone, before the import starts: the same client on
    /// the same machine, so its figures during the import can be told
    /// apart from what the machine's other work costs it (500 ticks at 50/s).
    static let quietAloneMs = 10_000
    /// How long the quiet client may take to notice the import ended and
    /// finish its last request (each exchange waits at most the socket timeout).
    static let quietStopWaitMs = 3 * HTTPClientLimits.socketTimeoutMs
}
