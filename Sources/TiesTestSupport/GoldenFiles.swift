import Foundation
import TiesCore

/// Expected outputs kept in the repository ("golden files"), compared with
/// what the code produces now. A mismatch is a finding with a readable diff.
///
/// Re-recording is opt-in, with `TIES_RECORD_GOLDEN=1` in the environment:
/// then every checked file is written, and the checker still fails (its
/// `verify()` throws, `expectPassed()` of TiesTestExpectations records an
/// issue), so a recording run can never pass as a green one; the next run
/// without the variable compares against what was written. A directory
/// that must never change once written (a format's golden ledger) is opened
/// with `rewritesExisting: false`: recording then only adds missing files.
public struct GoldenFiles {
    public enum Mode: Sendable {
        case compare
        case record
    }

    /// One thing a check found.
    public enum Finding: CustomStringConvertible, Sendable {
        case mismatch(file: String, diff: String, rewritable: Bool)
        case missing(file: String)
        case unreadable(file: String, reason: String)
        case recorded(file: String, changed: Bool)
        case rewriteRefused(file: String, diff: String)

        public var description: String {
            switch self {
            case .mismatch(let file, let diff, let rewritable):
                return "golden file \(file) differs from what the code produces now (- golden, + now):\n\(diff)\n"
                    + (rewritable ? "If the change is intended, re-record with \(GoldenFiles.recordVariable)=1 and review the diff."
                                  : "This golden file is never rewritten: a change of format gets new golden files beside it.")
            case .missing(let file):
                return "golden file \(file) does not exist; record it with TIES_RECORD_GOLDEN=1"
            case .unreadable(let file, let reason):
                return "golden file \(file) cannot be read: \(reason)"
            case .recorded(let file, let changed):
                return "recorded golden file \(file)" + (changed ? " (changed)" : " (unchanged)")
            case .rewriteRefused(let file, let diff):
                return "golden file \(file) is never rewritten, but the code now produces (- golden, + now):\n\(diff)"
            }
        }

        /// Whether the finding alone fails a comparing run.
        public var isFailure: Bool {
            if case .recorded = self { return false }
            return true
        }
    }

    /// A failed golden check, as an error: every finding, one after the other.
    public struct Failure: Error, CustomStringConvertible {
        public let messages: [String]

        public var description: String { messages.joined(separator: "\n\n") }
    }

    /// The environment variable that turns recording on.
    public static let recordVariable = "TIES_RECORD_GOLDEN"

    /// What a run with `passed` false reports: every failed check, and when
    /// recording each file it changed and a last word on why the run fails.
    public var failureMessages: [String] {
        var messages: [String] = []
        var written = 0
        var changed = 0
        for finding in findings {
            if case .recorded(_, let change) = finding {
                written += 1
                if change { changed += 1 } else { continue }
            }
            messages.append(finding.description)
        }
        if isRecording {
            messages.append("\(Self.recordVariable)=1 is set: \(written) golden files written in \(directory), \(changed) of them changed"
                + (rewritesExisting ? "" : " (existing ones are never rewritten)")
                + ". A recording run always fails, so that it is never taken for a pass: review what was written (git diff), "
                + "then run the tests again without \(Self.recordVariable).")
        }
        return messages
    }

    /// `.record` when `TIES_RECORD_GOLDEN=1`, otherwise `.compare`.
    public static var modeFromEnvironment: Mode {
        ProcessInfo.processInfo.environment[recordVariable] == "1" ? .record : .compare
    }

    public let directory: String
    public let mode: Mode
    public let rewritesExisting: Bool
    public private(set) var findings: [Finding] = []

    public init(directory: String, mode: Mode = GoldenFiles.modeFromEnvironment, rewritesExisting: Bool = true) {
        self.directory = directory
        self.mode = mode
        self.rewritesExisting = rewritesExisting
    }

    public var isRecording: Bool { mode == .record }

    /// True when every check matched and nothing was recorded.
    public var passed: Bool { !isRecording && !findings.contains(where: \.isFailure) }

    /// Throws a `Failure` naming every finding unless `passed`.
    public func verify() throws(Failure) {
        guard passed else { throw Failure(messages: failureMessages) }
    }

    // MARK: Checks

    /// Compares `actual` with the text of `file`, line by line.
    public mutating func check(_ file: String, text actual: String) {
        check(file, bytes: Array(actual.utf8), matches: { $0 == Array(actual.utf8) },
              diff: { GoldenDiff.lines(String(decoding: $0, as: UTF8.self), actual) })
    }

    /// Compares `actual` with the JSON document in `file` (as values: key
    /// order and spacing do not matter); records it as one line. The diff
    /// is of both documents pretty-printed with sorted keys.
    public mutating func check(_ file: String, json actual: JSONValue) {
        check(file, bytes: actual.encodedBytes + [10], matches: { (try? JSONParser.parse($0)) == actual }, diff: { golden in
            let expected = (try? JSONParser.parse(golden)).map(GoldenDiff.pretty) ?? String(decoding: golden, as: UTF8.self)
            return GoldenDiff.lines(expected, GoldenDiff.pretty(actual))
        })
    }

    private mutating func check(_ file: String, bytes: [UInt8], matches: ([UInt8]) -> Bool, diff: ([UInt8]) -> String) {
        let path = directory + "/" + file
        let golden = FileManager.default.contents(atPath: path).map { [UInt8]($0) }
        switch (mode, golden) {
        case (.compare, nil):
            findings.append(.missing(file: path))
        case (.compare, let golden?):
            if !matches(golden) { findings.append(.mismatch(file: path, diff: diff(golden), rewritable: rewritesExisting)) }
        case (.record, let golden?) where !rewritesExisting:
            if !matches(golden) { findings.append(.rewriteRefused(file: path, diff: diff(golden))) }
        case (.record, let golden):
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                findings.append(.recorded(file: path, changed: golden.map { !matches($0) } ?? true))
            } catch {
                findings.append(.unreadable(file: path, reason: "recording failed: \(error)"))
            }
        }
    }
}

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
