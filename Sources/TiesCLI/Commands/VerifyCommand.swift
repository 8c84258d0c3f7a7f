import TiesCore
import TiesStore

struct VerifyCommand: Command {
    static let spec = CommandSpec(
        name: "verify", summary: "check the log, the snapshots and the projection; print the head hash",
        options: CommonOptions.reading,
        discussion: """
            Reads everything. Checks every commit's checksum, the whole hash chain,
            seq continuity and non-decreasing commit times; every snapshot (schema version, stamp,
            that the log holds its commit, its state digest); that SQLite finds the projection's pages
            and b-trees whole (quick_check, which also covers the history the digest does not); and that
            the projection's state digest equals that of a fresh replay of the log. Prints what it
            checked and the head seq and hash:
            write the hash down, and a later verify proves the log up to there was not rewritten.
            Exit 0 only if everything holds; otherwise every problem is listed with its seq and byte
            offset, and the exit code is 3. It changes one thing: damage in the log's bytes is kept
            in damaged.json (writes are then refused, reads go on), and a verify that finds the log
            whole removes it (TiesCLI.docc/Commands.md).
            """,
        examples: ["ties verify", "ties verify --json | jq .headHash"])

    static func run(_ context: Context) throws -> Int32 {
        let showProgress = context.console.errorIsTerminal && !context.json
        let report = try Verifier.verify(directory: context.ledgerDirectory, progress: showProgress ? {
            context.console.progress("replaying: seq \($0.seq), \(percent($0.bytesDone, of: $0.bytesTotal))")
        } : nil)
        if showProgress { context.console.progress("") }
        context.emit(report.jsonValue, lines: lines(report))
        return report.isIntact ? CLI.ExitCode.ok : CLI.ExitCode.damaged
    }

    static func lines(_ report: VerifyReport) -> [String] {
        var lines = [
            "log: \(report.commits) commits, \(report.events) events, \(report.logBytes) bytes: checksums, hash chain, seq continuity, commit times",
            "snapshots: \(report.snapshots.count) checked, \(report.snapshots.filter(\.isValid).count) valid",
        ]
        if let seq = report.projectionSeq {
            let verdict = report.replayDigest == nil ? "could not be compared with a replay (see the problems)"
                : report.replayDigest == report.projectionDigest ? "equals a fresh replay's" : "does NOT equal a fresh replay's"
            lines.append("projection: at seq \(seq), pages checked by SQLite, state digest \(report.projectionDigest ?? "?") \(verdict)")
        } else {
            lines.append("projection: not compared (there is none, it is another version's, or it cannot be read: see any problem below)")
        }
        lines.append("head seq \(report.headSeq)")
        lines.append("head hash \(report.headHash)")
        if report.isIntact {
            lines.append("ok: everything holds")
        } else {
            lines.append("\(report.problems.count) problem(s):")
            lines += report.problems.map { problem in
                "  " + [problem.seq.map { "seq \($0)" }, problem.offset.map { "byte offset \($0)" }].compactMap { $0 }.joined(separator: ", ")
                    + (problem.seq == nil && problem.offset == nil ? "" : ": ") + problem.message
            }
        }
        return lines
    }
}
