import TiesCore

/// A command-line option: a flag (no value) or an option taking a value,
/// possibly repeated.
struct OptionSpec: Sendable {
    let name: String
    let valueName: String?
    let help: String
    var repeatable = false

    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help)
    }

    static func value(_ name: String, _ valueName: String, _ help: String, repeatable: Bool = false) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, repeatable: repeatable)
    }
}

/// A positional argument.
struct ArgumentSpec: Sendable {
    let name: String
    let help: String
    var optional = false
}

/// Everything `--help` shows and the parser checks, declared once per command.
struct CommandSpec: Sendable {
    let name: String
    let summary: String
    var arguments: [ArgumentSpec] = []
    var options: [OptionSpec] = []
    var discussion: String = ""
    var examples: [String] = []

    /// `ties NAME ARG [--opt V]…`
    var usage: String {
        var parts = ["ties", name]
        parts += arguments.map { $0.optional ? "[\($0.name)]" : $0.name }
        for option in options where !CommonOptions.names.contains(option.name) {
            let value = option.valueName.map { " \($0)" } ?? ""
            parts.append("[--\(option.name)\(value)]\(option.repeatable ? "…" : "")")
        }
        return parts.joined(separator: " ")
    }

    var help: String {
        var text = "ties \(name) — \(summary)\n\nUSAGE\n  \(usage)\n"
        if !discussion.isEmpty { text += "\n" + discussion.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  \($0)" }.joined(separator: "\n") + "\n" }
        if !arguments.isEmpty {
            text += "\nARGUMENTS\n" + arguments.map { row($0.name, $0.help) }.joined()
        }
        text += "\nOPTIONS\n" + (options + [CommonOptions.help]).map { row("--\($0.name)\($0.valueName.map { " \($0)" } ?? "")", $0.help) }.joined()
        if !examples.isEmpty { text += "\nEXAMPLES\n" + examples.map { "  \($0)\n" }.joined() }
        return text
    }

    private func row(_ left: String, _ right: String) -> String {
        let padded = left.count < 22 ? left + String(repeating: " ", count: 22 - left.count) : left + "\n" + String(repeating: " ", count: 24)
        return "  \(padded)\(right)\n"
    }
}

/// A mistake in how the command was called: exit code 2.
struct UsageError: Error {
    let message: String
    let command: String?
}

/// The parsed command line of one command.
struct ParsedArguments {
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var flags: Set<String> = []

    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// A whole number option within `range`.
    func integer(_ name: String, in range: ClosedRange<Int64>, command: String) throws(UsageError) -> Int64? {
        guard let text = value(name) else { return nil }
        guard let number = Int64(text), range.contains(number) else {
            throw UsageError(message: "--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound); got '\(text)'", command: command)
        }
        return number
    }
}

/// A small strict parser: `--name value`, `--name=value`, flags, `--` ends
/// options; unknown options are errors with a "did you mean".
enum ArgumentParser {
    static func parse(_ arguments: [String], for spec: CommandSpec) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        let options = spec.options
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" && !onlyPositionals {
                onlyPositionals = true
                continue
            }
            if onlyPositionals || !argument.hasPrefix("--") {
                parsed.positionals.append(argument)
                continue
            }
            let body = argument.dropFirst(2)
            let (name, inlineValue) = body.firstIndex(of: "=").map { (String(body[..<$0]), String(body[body.index(after: $0)...])) } ?? (String(body), nil)
            guard let option = options.first(where: { $0.name == name }) else {
                let hint = Suggestions.closest(to: name, among: options.map(\.name) + ["help"], limit: 1).first.map { " (did you mean --\($0)?)" } ?? ""
                throw UsageError(message: "unknown option --\(name)\(hint)", command: spec.name)
            }
            if option.valueName == nil {
                guard inlineValue == nil else { throw UsageError(message: "--\(name) takes no value", command: spec.name) }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw UsageError(message: "--\(name) needs a value (\(option.valueName ?? "VALUE"))", command: spec.name) }
                value = arguments[index]
                index += 1
            }
            if !option.repeatable && parsed.values[name] != nil {
                throw UsageError(message: "--\(name) was given more than once", command: spec.name)
            }
            parsed.values[name, default: []].append(value)
        }
        let required = spec.arguments.filter { !$0.optional }.count
        guard parsed.positionals.count >= required else {
            let missing = spec.arguments[parsed.positionals.count].name
            throw UsageError(message: "missing \(missing)", command: spec.name)
        }
        guard parsed.positionals.count <= spec.arguments.count else {
            throw UsageError(message: "unexpected argument '\(parsed.positionals[spec.arguments.count])'", command: spec.name)
        }
        return parsed
    }
}

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
