import TiesCore
import TiesStore

/// The `ties` command line as a library function, so tests drive it in-process.
public enum CLI {
    static let commands: [CommandEntry] = [
        CommandEntry(InitCommand.self), CommandEntry(DefineTypeCommand.self), CommandEntry(RegisterTypeCommand.self),
        CommandEntry(TypesCommand.self), CommandEntry(LinkCommand.self), CommandEntry(UnlinkCommand.self),
        CommandEntry(SetAttrCommand.self), CommandEntry(RecordCommand.self), CommandEntry(EraseCommand.self), CommandEntry(RestoreCommand.self), CommandEntry(ImportCommand.self), CommandEntry(ShowCommand.self), CommandEntry(DiffCommand.self),
        CommandEntry(HistoryCommand.self), CommandEntry(AuditCommand.self), CommandEntry(LogCommand.self), CommandEntry(StatsCommand.self),
        CommandEntry(SnapshotCommand.self), CommandEntry(SnapshotsCommand.self), CommandEntry(VerifyCommand.self),
        CommandEntry(RebuildCommand.self), CommandEntry(RepairCommand.self), CommandEntry(ExportCommand.self),
        CommandEntry(ServeCommand.self), CommandEntry(LedgersCommand.self), CommandEntry(KeysCommand.self), CommandEntry(DemoCommand.self),
    ]

    public enum ExitCode {
        public static let ok: Int32 = 0
        public static let rejected: Int32 = 1
        public static let usage: Int32 = 2
        public static let damaged: Int32 = 3
    }

    /// Runs `ties ARGUMENTS…` and returns the exit code.
    public static func run(arguments: [String], environment: [String: String], console: Console) -> Int32 {
        guard let name = arguments.first, !["help", "--help", "-h"].contains(name) else {
            if arguments.count > 1, let command = commands.first(where: { $0.spec.name == arguments[1] }) {
                console.print(lines: TerminalText.lines(command.spec.help))
            } else {
                console.print(lines: TerminalText.lines(overview))
            }
            return ExitCode.ok
        }
        guard let command = commands.first(where: { $0.spec.name == name }) else {
            let hint = Suggestions.closest(to: name, among: commands.map(\.spec.name), limit: 1).first.map { " (did you mean '\($0)'?)" } ?? ""
            console.printError("ties: unknown command '\(name)'\(hint). Run `ties help` for the list.")
            return ExitCode.usage
        }
        let rest = Array(arguments.dropFirst())
        let beforeSeparator = rest.prefix { $0 != "--" }
        if beforeSeparator.contains("--help") || beforeSeparator.contains("-h") {
            console.print(lines: TerminalText.lines(command.spec.help))
            return ExitCode.ok
        }
        let json = beforeSeparator.contains("--json")
        do {
            let parsed = try ArgumentParser.parse(rest, for: command.spec)
            return try command.run(Context(arguments: parsed, console: console, environment: environment, command: name))
        } catch let error as UsageError {
            reportUsage(error, of: command, json: json, console: console)
            return ExitCode.usage
        } catch let error as LedgerError {
            report(error, json: json, console: console)
            return exitCode(for: error)
        } catch {
            console.printError("ties: \(error)")
            return ExitCode.damaged
        }
    }

    /// Runs `ties` on the arguments exactly as the process received them
    /// (`main.swift`). An argument that is not UTF-8 is a usage error naming
    /// its position: Swift's `String` would repair it into U+FFFD, and the
    /// ledger would silently store an ID nobody typed (HTTP refuses the same
    /// bytes). Otherwise this is `run(arguments:…)`.
    public static func run(argumentBytes: [[UInt8]], environment: [String: String], console: Console) -> Int32 {
        var arguments: [String] = []
        for (index, bytes) in argumentBytes.enumerated() {
            guard let argument = String(validating: bytes, as: UTF8.self) else {
                let valid = argumentBytes.compactMap { String(validating: $0, as: UTF8.self) }
                let command = index == 0 ? nil : valid.first.flatMap { name in commands.first { $0.spec.name == name } }
                let message = "argument \(index + 1) is not valid UTF-8 (\(invalidUTF8(bytes))); "
                    + "IDs and names are stored as the exact UTF-8 given, so bytes in another encoding are refused rather than guessed at"
                reportUsage(UsageError(message: message, command: command?.spec.name), of: command,
                            json: valid.prefix { $0 != "--" }.contains("--json"), console: console)
                return ExitCode.usage
            }
            arguments.append(argument)
        }
        return run(arguments: arguments, environment: environment, console: console)
    }

    /// Where a byte string stops being UTF-8: "byte 0xFF at offset 10".
    private static func invalidUTF8(_ bytes: [UInt8]) -> String {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while case .valid(let scalar) = parser.parseScalar(from: &iterator) { offset += scalar.count }
        guard offset < bytes.count else { return "it ends inside a character" }
        return "byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) at offset \(offset)"
    }

    /// A usage error: what was wrong, then the command's usage line and
    /// where its help is (without a known command: where the list is).
    static func reportUsage(_ error: UsageError, of command: CommandEntry?, json: Bool, console: Console) {
        if json {
            console.printErrorJSON(JSONValue.object(["error": .object(["code": .string("usage"), "message": .string(error.message)])]).encodedString)
        } else if let command {
            let name = command.spec.name
            console.printError(lines: ["ties \(error.command ?? name): \(error.message)", "usage: \(command.spec.usage)", "Run `ties \(name) --help` for details."])
        } else {
            console.printError(lines: ["ties: \(error.message)", "Run `ties help` for the list of commands."])
        }
    }

    /// 1 for rejections by the ledger's rules, 3 when the ledger cannot be
    /// read or written, 2 for an as-of seq beyond the head (a mistake in
    /// the command line, like any other bad argument).
    static func exitCode(for error: LedgerError) -> Int32 {
        if error.code == .invalidAsOf { return ExitCode.usage }
        return error.code.isStorageFailure ? ExitCode.damaged : ExitCode.rejected
    }

    static func report(_ error: LedgerError, json: Bool, console: Console) {
        if json {
            console.printErrorJSON(errorJSON(error).encodedString)
        } else {
            console.printError("ties: error: \(error.code.rawValue): \(error.message)")
            if let hint = hint(for: error) { console.printError("ties: \(hint)") }
        }
    }

    /// What to do next, in the CLI's own terms (the store does not know them).
    static func hint(for error: LedgerError) -> String? {
        switch error.code {
        case .ledgerNotFound: return "create one with `ties init`, or pass --ledger DIR / set TIES_LEDGER"
        case .ledgerDamaged where error.details["file"]?.stringValue?.hasSuffix("/projection.sqlite") == true:
            return "the projection is derived from the log: `ties rebuild` builds it anew"
        default: return nil
        }
    }

    static func errorJSON(_ error: LedgerError) -> JSONValue {
        var fields = error.details.merging(["code": .string(error.code.rawValue), "message": .string(error.message)]) { _, new in new }
        if let hint = hint(for: error) { fields["hint"] = .string(hint) }
        return .object(["error": .object(fields)])
    }

    static var overview: String {
        let width = (commands.map(\.spec.name.count).max() ?? 0) + 2
        let rows = commands.map { "  \($0.spec.name)\(String(repeating: " ", count: width - $0.spec.name.count))\($0.spec.summary)" }
        return """
            ties — an event-sourced relationship ledger

            Every type registration, link, unlink and attribute change is appended to
            an immutable, hash-chained log; current state, per-record history and the
            state as of any past seq or time are derived from it.

            USAGE
              ties COMMAND [ARGUMENTS] [OPTIONS]

            COMMANDS
            \(rows.joined(separator: "\n"))

            COMMON OPTIONS
              --ledger DIR   the ledger directory (default: $TIES_LEDGER, else ./ties-ledger)
              --json         print JSON instead of text
              --actor A      (writes) who makes the change; default: the OS user
              --reason R     (writes) why; kept in the commit

            EXIT CODES
              0 ok · 1 rejected by the ledger's rules (code and message on stderr)
              2 usage error · 3 ledger damaged or unreadable

            Run `ties COMMAND --help` for a command's details, or `ties demo` for a tour.
            The full reference is in the repository's DocC catalogs: Sources/TiesCLI/TiesCLI.docc
            (commands, exit codes), Sources/TiesCore/TiesCore.docc (operations, events, rules,
            limits, error codes), Sources/TiesHTTP/TiesHTTP.docc (the HTTP API).
            """
    }
}
