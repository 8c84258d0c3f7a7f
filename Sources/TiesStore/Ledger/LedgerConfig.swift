import TiesCore

/// The ledger's optional `config.json`: the snapshot policy, the
/// background scrub's schedule and the default rate limits of `ties serve`, e.g.
/// `{"snapshotEveryCommits": 100000, "snapshotEveryLogBytes": 67108864, "snapshotsKept": 3,
///   "scrubEveryHours": 24, "scrubMBPerSecond": 50,
///   "rateLimits": {"read": {"burst": 100, "perSecond": 50}, "write": {"burst": 20, "perSecond": 5}}}`.
/// Unknown keys are refused.
public struct LedgerConfig: Sendable {
    var snapshots = SnapshotPolicy()
    public internal(set) var scrub = ScrubPolicy()
    /// Every key's limits unless it has its own; none by default.
    public internal(set) var rateLimits = RateLimits()

    /// What `ties serve` reads once at start.
    public static func load(directory: String) throws(LedgerError) -> LedgerConfig {
        try load(LedgerLayout(directory: directory))
    }

    static func load(_ layout: LedgerLayout) throws(LedgerError) -> LedgerConfig {
        var config = LedgerConfig()
        guard let bytes = try layout.fileSystem.readSmallFile(layout.config, limit: Limits.configFileBytesMax) else { return config }
        let bad = { (problem: String) in
            LedgerError(.ledgerDamaged, "\(layout.config): \(problem)", details: ["path": .string(layout.config)])
        }
        guard case .object(let fields)? = try? JSONParser.parse(bytes) else { throw bad("not a JSON object") }
        let reader = try FieldReader(.object(fields), context: "config", failure: .ledgerDamaged)
        try reader.rejectUnknown(allowed: ["snapshotEveryCommits", "snapshotEveryLogBytes", "snapshotsKept", "scrubEveryHours", "scrubMBPerSecond",
                                           "rateLimits"])
        if let value = try reader.optionalInt("snapshotEveryCommits") {
            guard value >= 0 else { throw bad("snapshotEveryCommits must be 0 or more") }
            config.snapshots.everyCommits = value
        }
        if let value = try reader.optionalInt("snapshotEveryLogBytes") {
            guard value >= 0 else { throw bad("snapshotEveryLogBytes must be 0 or more") }
            config.snapshots.everyLogBytes = value
        }
        if let value = try reader.optionalInt("snapshotsKept") {
            guard (1...Int64(Limits.snapshotsKeptMax)).contains(value) else { throw bad("snapshotsKept must be between 1 and \(Limits.snapshotsKeptMax)") }
            config.snapshots.kept = Int(value)
        }
        if let value = try reader.optionalNumber("scrubEveryHours") {
            guard value > 0, value <= Limits.scrubEveryHoursMax else { throw bad("scrubEveryHours must be more than 0 and at most \(Int(Limits.scrubEveryHoursMax))") }
            config.scrub.everyHours = value
        }
        if let value = try reader.optionalNumber("scrubMBPerSecond") {
            guard value >= Limits.scrubMBPerSecondMin, value <= Limits.scrubMBPerSecondMax else {
                throw bad("scrubMBPerSecond must be between \(Int(Limits.scrubMBPerSecondMin)) and \(Int(Limits.scrubMBPerSecondMax))")
            }
            config.scrub.mbPerSecond = value
        }
        if let value = reader.fields["rateLimits"] {
            config.rateLimits = try RateLimits(json: value, context: "\(layout.config): rateLimits")
        }
        return config
    }
}

/// When `ties serve` scrubs the whole log (checksums and the hash chain)
/// in the background, and how fast: a first pass at start, then every
/// `everyHours`, reading at most `mbPerSecond` MB (10^6 bytes) a second.
public struct ScrubPolicy: Sendable, Equatable {
    public var everyHours: Double = 24
    public var mbPerSecond: Double = 50

    public init() {}
}
