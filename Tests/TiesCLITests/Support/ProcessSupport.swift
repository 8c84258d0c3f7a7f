import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

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

/// Reads a pipe to its end on a background thread, keeping what arrived.
final class PipeDrain: @unchecked Sendable {
    // @unchecked: `data` and `finished` are only touched while holding `lock`.
    private let lock = NSLock()
    private var data = Data()
    private var finished = false
    private let done = DispatchSemaphore(value: 0)
    private let handle: FileHandle

    init(_ handle: FileHandle) {
        self.handle = handle
        Thread.detachNewThread { [self] in drain() }
    }

    private func drain() {
        let fd = handle.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            lock.withLock { data.append(contentsOf: buffer[0..<count]) }
        }
        lock.withLock { finished = true }
        done.signal()
    }

    /// What has arrived so far.
    var received: Data { lock.withLock { data } }

    /// Waits for end-of-file; false if it did not come within `seconds`.
    func waitForEnd(seconds: Double) -> Bool {
        done.wait(timeout: .now() + seconds) == .success
    }

    var text: String { String(decoding: received, as: UTF8.self) }

    /// The complete (newline-terminated) lines received so far.
    var completeLines: [String] {
        let text = self.text
        guard let lastNewline = text.lastIndex(of: "\n") else { return [] }
        return text[..<lastNewline].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

/// A started `ties` child process with its output being drained.
final class TiesChild {
    let process = Process()
    let stdout: PipeDrain
    let stderr: PipeDrain
    let arguments: [String]

    init(_ arguments: [String], stdin: Data? = nil, environment extra: [String: String] = [:]) throws {
        self.arguments = arguments
        process.executableURL = try TiesExecutable.url()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TIES_LEDGER"] = nil
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
        self.stdout = PipeDrain(output.fileHandleForReading)
        self.stderr = PipeDrain(error.fileHandleForReading)
        if let input, let stdin {
            try input.fileHandleForWriting.write(contentsOf: stdin)
            try input.fileHandleForWriting.close()
        }
    }

    var pid: Int32 { process.processIdentifier }

    func kill(_ signal: Int32) {
        _ = Glibc.kill(pid, signal)
    }

    /// Waits for the child to exit and its output to end; on timeout kills it
    /// and returns false.
    func wait(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline {
                kill(SIGKILL)
                process.waitUntilExit()
                return false
            }
            Thread.sleep(forTimeInterval: 0.002)
        }
        process.waitUntilExit()
        return stdout.waitForEnd(seconds: seconds) && stderr.waitForEnd(seconds: seconds)
    }

    var exitedNormally: Bool { process.terminationReason == .exit }
    var status: Int32 { process.terminationStatus }

    var summary: String {
        "ties \(arguments.joined(separator: " ")) → \(exitedNormally ? "exit" : "signal") \(status)\n--- stdout ---\n\(stdout.text)--- stderr ---\n\(stderr.text)"
    }
}

/// Runs `ties ARGUMENTS…` to completion (at most `seconds`).
@discardableResult
func runTiesBinary(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], seconds: Double = 60,
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> TiesChild {
    let child = try TiesChild(arguments, stdin: stdin, environment: environment)
    let finished = child.wait(seconds: seconds)
    #expect(finished, "ties \(arguments.joined(separator: " ")) did not finish within \(seconds) s", sourceLocation: sourceLocation)
    return child
}

/// SplitMix64: a small seeded generator, so a failing run can be repeated.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
