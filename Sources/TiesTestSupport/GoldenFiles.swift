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
