import Foundation
import Testing
import TiesTestSupport

/// Tests that start child processes. Serialized so no child inherits the
/// pipes of another test's child (which would delay end-of-file on them).
@Suite(.serialized)
struct ChildProcessTests {}

/// The `ties` executable built next to the test bundle.
enum TiesExecutable {
    struct Missing: Error, CustomStringConvertible {
        let tried: [String]
        var description: String {
            "the built `ties` executable was not found (the test target depends on it, so it should be next to the test bundle); tried: "
                + tried.joined(separator: ", ") + ". Set TIES_BINARY to its path to override."
        }
    }

    static func url() throws -> URL {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["TIES_BINARY"], !override.isEmpty {
            candidates.append(override)
        }
        if let testExecutable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: testExecutable).deletingLastPathComponent().appendingPathComponent("ties").path)
        }
        // Walk up from the bundle (on Darwin the executable sits inside `X.xctest/Contents/MacOS`).
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("ties").path)
            directory.deleteLastPathComponent()
        }
        for path in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: path) {
                return URL(fileURLWithPath: path)
            }
        }
        throw Missing(tried: candidates)
    }
}

extension ChildProcess {
    /// Starts the built `ties ARGUMENTS…` with this process's environment
    /// minus `TIES_LEDGER`, plus `environment`.
    convenience init(ties arguments: [String], stdin: Data? = nil, environment extra: [String: String] = [:]) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["TIES_LEDGER"] = nil
        environment.merge(extra) { _, new in new }
        try self.init(try TiesExecutable.url(), arguments, stdin: stdin, environment: environment)
    }
}

/// Runs `ties ARGUMENTS…` to completion (at most `seconds`).
@discardableResult
func runTiesBinary(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], seconds: Double = 60,
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> ChildProcess {
    let child = try ChildProcess(ties: arguments, stdin: stdin, environment: environment)
    let finished = child.wait(seconds: seconds)
    #expect(finished, "ties \(arguments.joined(separator: " ")) did not finish within \(seconds) s", sourceLocation: sourceLocation)
    return child
}
