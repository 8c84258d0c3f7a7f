import Foundation
import TiesCore
import TiesStore

/// The targets Ties is held to, each with why it is that number.
enum Targets {
    /// The ledger's own work (log, fsync, decisions, JSON) may at most
    /// double the cost of writing the same rows to SQLite.
    static let importFloorRatioMin = 0.5
    /// The storage-v2 goal: a durable import at this rate, events/s.
    static let importEventsPerSecondMin = 60_000.0
    /// Building the projection from the whole log, events/s.
    static let rebuildEventsPerSecondMin = 100_000.0
    /// Interactive lookups: a small fraction of an HTTP answer's budget, at
    /// a million events, for the hottest records too.
    static let queryP99UsMax = 500.0
    /// "Not growing with ledger size": p99 at N may be at most this many
    /// times p99 at 100k (the allowance is for timing noise, not for a scan).
    static let queryP99GrowthMax = 1.3
    /// The projection (database and WAL, right after the import) against
    /// the log it is derived from.
    static let projectionToLogRatioMax = 1.5
    /// Records (issue 7) may cost their own events, not slow the import:
    /// a workload with record upserts in it at most 15% below the same
    /// number of events without them.
    static let recordsImportRatioMin = 0.85
    /// Finding a person by a unique identifier is what every link that
    /// names its endpoint by email does first, at 1M events and 200k records.
    static let identifierLookupP99UsMax = 1_000.0
    /// A page of 100 links of one relationship type of one of the hottest
    /// people, at the same size.
    static let filteredPageP99UsMax = 1_000.0
    /// A page of 100 of an audit search, whatever its filters, first or
    /// through the cursor, at 1M events (issue 8): found by an index, not
    /// by scanning the log.
    static let auditPageP99MsMax = 5.0
    /// A page of 100 of a diff between two points 10k commits apart (issue 8).
    static let diffPageP99MsMax = 50.0
    /// One link's story reads that link's versions and events: on the
    /// hottest records as cheap as a history page, however many other
    /// links the record has.
    static let linkStoryP99UsMax = 1_000.0
    /// A CLI command opens the ledger every time; 50 ms stays unnoticed.
    static let reopenMsMax = 50.0
    /// Restart after projection loss from a snapshot ≤ 1% behind: ≤ 5% of a full rebuild.
    static let restartRatioMax = 0.05
    /// Peak resident set of this whole process, in MB (10^6 bytes).
    static let peakResidentMBMax = 300.0
    /// Durable single-link commits per second through `ties serve`, from
    /// 32 keep-alive clients: group commit has to turn many waiting
    /// requests into few fdatasyncs for this to hold.
    static let httpCommitsPerSecondMin = 10_000.0
    /// A commit acknowledged within a frame-ish budget, including its fsync.
    static let httpLatencyP99MsMax = 20.0
    /// No stall, not even while an automatic snapshot is taken.
    static let httpLatencyMaxMsMax = 50.0
    /// A CLI write while `ties serve` runs (handed to it through its
    /// socket) at most twice the latency of an HTTP write to it.
    static let handOverLatencyRatioMax = 2.0
    /// A benchmark that drops requests measures something else.
    static let httpErrorsMax = 0.0
    /// Many tenants in one server (`ties serve --ledgers`): the same
    /// clients spread over 1,000 ledgers commit at least half as fast as
    /// on one ledger, where group commit shares each fdatasync among many.
    static let ledgersCommitsRatioMin = 0.5
    /// A quiet tenant's writes and reads while another tenant imports a
    /// million events on the same server: the single ledger's p99 budget.
    static let quietTenantP99MsMax = 20.0
}
