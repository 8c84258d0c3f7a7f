import TiesCore
import TiesStore
import TiesSystem

struct LogCommand: Command {
    static let spec = CommandSpec(
        name: "log", summary: "print the log as JSON Lines (one commit per line)",
        options: [
            .value("from", "SEQ", "start at the commit that holds SEQ (default: the first)"),
            .flag("follow", "keep waiting for new commits (stop with Ctrl-C)"),
            .value("poll-ms", "MS", "with --follow: how often to look for new commits (default \(Limits.followPollMsDefault), \(Limits.followPollMsMin)–\(Limits.followPollMsMax))"),
        ] + CommonOptions.reading,
        discussion: "Each line is a commit exactly as stored, checked (checksum, hash chain) before it is printed.",
        examples: ["ties log | jq -c '.events[]'", "ties log --from 1200 --follow"])

    static func run(_ context: Context) throws -> Int32 {
        let from = try context.arguments.integer("from", in: 1...Int64.max, command: spec.name) ?? 1
        let pollMs = try context.arguments.integer("poll-ms", in: Int64(Limits.followPollMsMin)...Int64(Limits.followPollMsMax), command: spec.name) ?? Int64(Limits.followPollMsDefault)
        let reader = try context.openLedger(.read).logReader(fromSeq: from)
        while true {
            while let scanned = try reader.next() {
                // A receipt (no events) is printed with the commits after it.
                guard max(scanned.commit.firstSeq, scanned.commit.lastSeq) >= from else { continue }
                let line = String(decoding: scanned.sealed.line.dropLast(), as: UTF8.self)
                guard context.console.printJSON(line) else { return CLI.ExitCode.ok }  // The reader went away.
            }
            guard context.arguments.flag("follow") else { return CLI.ExitCode.ok }
            SystemClock.sleep(milliseconds: Int(pollMs))
        }
    }
}
