import Foundation
import TiesSystem

/// A started child process whose standard output and error are drained.
/// Its exit is awaited on a semaphore the termination handler signals, never
/// by polling, and every wait has a deadline.
public final class ChildProcess {
    public let process = Process()
    public let stdout: PipeDrain
    public let stderr: PipeDrain
    public let arguments: [String]
    private let name: String
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `executable ARGUMENTS…` with exactly `environment` (nil: this
    /// process's) and `stdin` (nil: /dev/null) written and closed.
    public init(_ executable: URL, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil) throws {
        self.arguments = arguments
        name = executable.lastPathComponent
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        self.stdout = PipeDrain(output.fileHandleForReading)
        self.stderr = PipeDrain(error.fileHandleForReading)
        if let input, let stdin {
            try input.fileHandleForWriting.write(contentsOf: stdin)
            try input.fileHandleForWriting.close()
        }
    }

    public var pid: Int32 { process.processIdentifier }

    public func kill(_ signal: ProcessSignal) {
        signal.send(to: pid)
    }

    /// Waits for the child to exit and its output to end; on timeout kills
    /// it (SIGKILL) and returns false.
    public func wait(seconds: Double) -> Bool {
        guard waitForExit(seconds: seconds) else {
            kill(.kill)
            _ = waitForExit(seconds: 60)
            return false
        }
        return stdout.waitForEnd(seconds: seconds) && stderr.waitForEnd(seconds: seconds)
    }

    private func waitForExit(seconds: Double) -> Bool {
        guard exited.wait(timeout: .now() + seconds) == .success else { return false }
        exited.signal()  // later waits return at once too
        process.waitUntilExit()
        return true
    }

    public var isRunning: Bool { process.isRunning }
    public var exitedNormally: Bool { process.terminationReason == .exit }
    public var status: Int32 { process.terminationStatus }

    public var summary: String {
        "\(name) \(arguments.joined(separator: " ")) → \(exitedNormally ? "exit" : "signal") \(status)\n"
            + "--- stdout ---\n\(stdout.text)--- stderr ---\n\(stderr.text)"
    }
}
