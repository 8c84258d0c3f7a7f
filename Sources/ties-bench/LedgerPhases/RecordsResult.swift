import TiesCore
import TiesStore

/// The records phase: the import of a workload with person records in
/// it (compared with the main import, same size, same run), and reads of
/// those records on the ledger it built.
struct RecordsResult: Equatable {
    var records: Int
    var setupEvents: Int
    /// Setup and workload, as the main import counts them.
    var imported: ImportResult
    /// The seq the reads ran at: the whole workload imported.
    var headSeq: Int64
    /// `findRecords` by the unique email, hits and misses together.
    var emailLookup: LatencySummary
    /// Lookups of emails no record holds (answered with no record).
    var emailMisses: Int
    /// `record(_:asOf:)` at a random seq from the end of the record's upsert's commit.
    var recordAsOf: LatencySummary
    /// A page of 100 `placed` links of one of the hottest people, now; half
    /// of them second pages.
    var filteredPage: LatencySummary
    /// The main workload imported again right after this phase's import
    /// (the main import came right before it).
    var importWithoutAgain: ImportResult?

    var links: Int { Int(imported.events) - setupEvents - records }
}
