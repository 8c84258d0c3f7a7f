import TiesCore

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
