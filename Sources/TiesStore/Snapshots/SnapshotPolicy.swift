import TiesCore

/// When automatic snapshots are taken and how many are kept, from the
/// ledger's optional `config.json`:
/// `{"snapshotEveryCommits": 100000, "snapshotEveryLogBytes": 67108864, "snapshotsKept": 3}`.
public struct SnapshotPolicy: Sendable, Equatable {
    /// A snapshot after this many commits since the last one (0: never by count).
    public var everyCommits: Int64 = 100_000
    /// …or after this many bytes of log since the last one (0: never by size).
    public var everyLogBytes: Int64 = 64 * 1024 * 1024
    /// Older snapshots beyond this many are deleted.
    public var kept: Int = 3

    public init() {}

    static func load(_ layout: LedgerLayout) throws(LedgerError) -> SnapshotPolicy {
        try LedgerConfig.load(layout).snapshots
    }
}
