import TiesCore
import TiesStore

/// What a running command may use: its arguments, the console, the
/// environment. Commands reach the ledger only through here.
struct Context {
    let arguments: ParsedArguments
    let console: Console
    let environment: [String: String]
    let command: String

    var json: Bool { arguments.flag("json") }

    /// `--ledger`, else `$TIES_LEDGER`, else `./ties-ledger` (TiesCLI.docc/Commands.md).
    var ledgerDirectory: String {
        arguments.value("ledger") ?? environment["TIES_LEDGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "./ties-ledger"
    }

    func openLedger(_ access: Ledger.Access) throws -> Ledger {
        let console = self.console
        let showProgress = console.errorIsTerminal && !json
        return try Ledger.open(at: ledgerDirectory, access: access, warn: { console.printError("ties: warning: \($0)") },
                               progress: showProgress ? { console.progress("catching up: seq \($0.seq), \(percent($0.bytesDone, of: $0.bytesTotal))") } : nil)
    }

    /// What makes two CLI writes "the same" for an idempotency key: the
    /// command, its arguments and its options, but not how the answer is
    /// shown or which ledger path names it (so a retry may add `--json`).
    var requestDigest: String {
        let shown: Set<String> = ["json", "ledger", "help"]
        var request: [String: JSONValue] = [
            "command": .string(command), "arguments": .array(arguments.positionals.map(JSONValue.string)),
            "flags": .array(arguments.flags.subtracting(shown).sorted().map(JSONValue.string)),
        ]
        request["options"] = .object(arguments.values.filter { !shown.contains($0.key) }.mapValues { .array($0.map(JSONValue.string)) })
        var hasher = SHA256()
        hasher.update("cli\n")
        hasher.update(JSONValue.object(request).encodedBytes)
        return Hex.encode(hasher.finalize())
    }

    /// `--actor` (default: the OS user) and `--reason`; the OS user, who
    /// runs the command, is the principal.
    var metadata: CommitMetadata {
        let user = CommitMetadata.osUser
        return CommitMetadata(actor: arguments.value("actor") ?? user, principal: user, reason: arguments.value("reason"))
    }

    /// Prints `json` with `--json`, else the one line `text`.
    func emit(_ json: @autoclosure () -> JSONValue, text: @autoclosure () -> String) {
        emit(json(), lines: [text()])
    }

    /// Prints `json` with `--json`, else `lines` (each shown as one line,
    /// whatever control characters the data in it holds).
    func emit(_ json: @autoclosure () -> JSONValue, lines: @autoclosure () -> [String]) {
        if self.json {
            console.printJSON(json().encodedString)
        } else {
            console.print(lines: lines())
        }
    }

    func usage(_ message: String) -> UsageError {
        UsageError(message: message, command: command)
    }

    /// A record argument, `TYPE:ID` split on the first `:`.
    func record(_ text: String, name: String = "RECORD") throws -> RecordRef {
        guard let record = RecordRef(parsing: text) else {
            throw usage("\(name) must be TYPE:ID (for example person:user_123); got '\(text)'")
        }
        try Validation.recordID(record.id, field: name)
        return record
    }

    func asOf(_ text: String?, option: String = "as-of") throws -> AsOf? {
        guard let text else { return nil }
        guard let point = AsOf(parsing: text) else {
            throw usage("--\(option) must be a seq (1234) or an RFC 3339 time (2026-11-01T00:00:00Z); got '\(text)'")
        }
        return point
    }
}

func percent(_ done: Int64, of total: Int64) -> String {
    guard total > 0 else { return "" }
    return "\(min(100, done * 100 / total))%"
}

/// Commits operations as one commit with the command's `--actor`,
/// `--reason`, `--idempotency-key` and `--if-head`: into the ledger, or
/// through the server that holds it (WriteTarget).
func commit(_ operations: [Operation], _ context: Context) throws -> CommitReceipt {
    try commit(operations, context, into: try WriteTarget(context))
}

func commit(_ operations: [Operation], _ context: Context, into target: WriteTarget) throws -> CommitReceipt {
    let key = context.arguments.value("idempotency-key")
    var metadata = context.metadata
    metadata.idempotencyKey = key
    let expected = try context.arguments.integer("if-head", in: 0...Int64.max, command: context.command)
    let request = CommitRequest(operations: operations, metadata: metadata, expectedHeadSeq: expected,
                                requestDigest: key == nil ? nil : context.requestDigest)
    return try target.commit(request)
}
