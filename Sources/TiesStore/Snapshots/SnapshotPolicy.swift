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
        var policy = SnapshotPolicy()
        guard let bytes = try layout.fileSystem.readSmallFile(layout.config, limit: Limits.configFileBytesMax) else { return policy }
        let bad = { (problem: String) in
            LedgerError(.ledgerDamaged, "\(layout.config): \(problem)", details: ["path": .string(layout.config)])
        }
        guard case .object(let fields)? = try? JSONParser.parse(bytes) else { throw bad("not a JSON object") }
        let reader = try FieldReader(.object(fields), context: "config", failure: .ledgerDamaged)
        try reader.rejectUnknown(allowed: ["snapshotEveryCommits", "snapshotEveryLogBytes", "snapshotsKept"])
        if let value = try reader.optionalInt("snapshotEveryCommits") {
            guard value >= 0 else { throw bad("snapshotEveryCommits must be 0 or more") }
            policy.everyCommits = value
        }
        if let value = try reader.optionalInt("snapshotEveryLogBytes") {
            guard value >= 0 else { throw bad("snapshotEveryLogBytes must be 0 or more") }
            policy.everyLogBytes = value
        }
        if let value = try reader.optionalInt("snapshotsKept") {
            guard (1...Int64(Limits.snapshotsKeptMax)).contains(value) else { throw bad("snapshotsKept must be between 1 and \(Limits.snapshotsKeptMax)") }
            policy.kept = Int(value)
        }
        return policy
    }
}
