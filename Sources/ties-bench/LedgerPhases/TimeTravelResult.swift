/// The audit phase: pages of audit searches and diffs, and link stories,
/// at one ledger size.
struct TimeTravelResult: Equatable {
    var headSeq: Int64
    var audit: [AuditCase: PagedLatency]
    var diff: [DiffScope: PagedLatency]
    var linkStory: QueryKindLatency
}
