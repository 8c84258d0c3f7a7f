import TiesCore
import TiesStore
import TiesSystem

struct StatsCommand: Command {
    static let spec = CommandSpec(
        name: "stats", summary: "counts, sizes, head seq and hash",
        options: CommonOptions.reading, examples: ["ties stats", "ties stats --json"])

    static func run(_ context: Context) throws -> Int32 {
        let stats = try context.openLedger(.read).stats()
        let lines = [
            "head seq           \(stats.headSeq)",
            "head hash          \(stats.headHash)",
            "last commit        \(stats.lastCommitAt?.description ?? "none")",
            "commits            \(stats.commits)",
            "object types       \(stats.objectTypes)",
            "relationship types \(stats.relationshipTypes)",
            "current links      \(stats.currentLinks)",
            "link versions      \(stats.linkVersions)",
            "log bytes          \(stats.logBytes)",
            "projection bytes   \(stats.projectionBytes)",
            "last snapshot      \(stats.lastSnapshotSeq.map { "seq \($0)" } ?? "none")",
        ]
        context.emit(stats.jsonValue, lines: lines)
        return CLI.ExitCode.ok
    }
}
