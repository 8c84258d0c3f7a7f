import TiesCore

/// Options every command takes.
enum CommonOptions {
    static let ledger = OptionSpec.value("ledger", "DIR", "the ledger directory (default: $TIES_LEDGER, else ./ties-ledger)")
    static let json = OptionSpec.flag("json", "print JSON instead of text")
    static let help = OptionSpec.flag("help", "show this help")
    static let actor = OptionSpec.value("actor", "A", "who makes this change (default: the OS user)")
    static let reason = OptionSpec.value("reason", "R", "why; stored in the commit and shown by history")
    static let names: Set<String> = ["ledger", "json", "help", "actor", "reason"]

    static let reading = [ledger, json]
    static let writing = [actor, reason, ledger, json]
}
