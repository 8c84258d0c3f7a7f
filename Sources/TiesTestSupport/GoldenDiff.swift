import Foundation
import TiesCore

/// Readable differences for golden files.
public enum GoldenDiff {
    /// At most this many diff lines are shown.
    public static let linesShownMax = 120

    /// A unified-style diff of two texts by lines (`-` expected, `+` actual,
    /// three lines of context), or a note that they differ only in line ends.
    public static func lines(_ expected: String, _ actual: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let script = editScript(old, new)
        guard script.contains(where: { $0.mark != " " }) else {
            return "(the texts differ only in bytes a line diff does not show: \(expected.utf8.count) vs \(actual.utf8.count) bytes)"
        }
        // Keep changed lines and three lines around each.
        var keep = Set<Int>()
        for (index, line) in script.enumerated() where line.mark != " " {
            for near in max(0, index - 3)...min(script.count - 1, index + 3) { keep.insert(near) }
        }
        var shown: [String] = []
        var skipped = false
        for (index, line) in script.enumerated() {
            guard keep.contains(index) else {
                if !skipped { shown.append("   …") }
                skipped = true
                continue
            }
            skipped = false
            shown.append("\(line.mark) \(line.text)")
        }
        if shown.count > linesShownMax {
            shown = Array(shown.prefix(linesShownMax)) + ["   … \(shown.count - linesShownMax) more diff lines"]
        }
        return shown.joined(separator: "\n")
    }

    private struct ScriptLine {
        var mark: Character
        var text: String
    }

    /// The longest-common-subsequence edit script (the inputs are golden
    /// files of a few hundred lines at most).
    private static func editScript(_ old: [String], _ new: [String]) -> [ScriptLine] {
        let n = old.count, m = new.count
        var common = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                common[i][j] = old[i] == new[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var script: [ScriptLine] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n && j < m && old[i] == new[j] {
                script.append(ScriptLine(mark: " ", text: old[i]))
                i += 1
                j += 1
            } else if i < n && (j == m || common[i + 1][j] >= common[i][j + 1]) {
                script.append(ScriptLine(mark: "-", text: old[i]))
                i += 1
            } else {
                script.append(ScriptLine(mark: "+", text: new[j]))
                j += 1
            }
        }
        return script
    }

    /// A JSON value over several lines, object keys in byte order, two
    /// spaces a level: what a reader compares by eye.
    public static func pretty(_ value: JSONValue) -> String {
        var lines: [String] = []
        write(value, indent: "", prefix: "", suffix: "", into: &lines)
        return lines.joined(separator: "\n")
    }

    private static func write(_ value: JSONValue, indent: String, prefix: String, suffix: String, into lines: inout [String]) {
        switch value {
        case .array(let items) where !items.isEmpty:
            lines.append(indent + prefix + "[")
            for (index, item) in items.enumerated() {
                write(item, indent: indent + "  ", prefix: "", suffix: index < items.count - 1 ? "," : "", into: &lines)
            }
            lines.append(indent + "]" + suffix)
        case .object(let fields) where !fields.isEmpty:
            lines.append(indent + prefix + "{")
            let keys = fields.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for (index, key) in keys.enumerated() {
                write(fields[key]!, indent: indent + "  ", prefix: JSONValue.string(key).encodedString + ": ",
                      suffix: index < keys.count - 1 ? "," : "", into: &lines)
            }
            lines.append(indent + "}" + suffix)
        default:
            lines.append(indent + prefix + value.encodedString + suffix)
        }
    }
}
