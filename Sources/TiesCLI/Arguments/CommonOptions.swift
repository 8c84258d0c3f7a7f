import TiesCore

/// Options every command takes.
enum CommonOptions {
    static let ledger = OptionSpec.value("ledger", "DIR", "the ledger directory (default: $TIES_LEDGER, else ./ties-ledger)")
    static let ledgers = OptionSpec.value("ledgers", "DIR", "a directory of ledgers, DIR/NAME each, as `ties serve --ledgers DIR` serves them")
    static let json = OptionSpec.flag("json", "print JSON instead of text")
    static let help = OptionSpec.flag("help", "show this help")
    static let actor = OptionSpec.value("actor", "A", "who makes this change (default: the OS user)")
    static let reason = OptionSpec.value("reason", "R", "why; stored in the commit and shown by history")
    static let idempotencyKey = OptionSpec.value("idempotency-key", "K",
                                                 "a retry with the same K and the same command appends nothing and answers as the first did; another command with K is idempotency_key_reused")
    static let ifHead = OptionSpec.value("if-head", "SEQ", "commit only if the log's head is still SEQ, else sequence_conflict (exit 1)")
    static let names: Set<String> = ["ledger", "json", "help", "actor", "reason", "idempotency-key", "if-head"]

    static let reading = [ledger, json]
    static let writing = [actor, reason, ledger, json]
    /// Commands that make one commit also take the HTTP API's write conditions.
    static let oneCommit = writing + [idempotencyKey, ifHead]
}
