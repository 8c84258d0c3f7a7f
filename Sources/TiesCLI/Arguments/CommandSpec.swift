import TiesCore

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
