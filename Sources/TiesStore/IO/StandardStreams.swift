import TiesCore

/// The process's standard output and error, for the CLI (which keeps no C
/// imports of its own).
public enum StandardStream: Sendable {
    case input
    case output
    case error

    var descriptor: Int32 {
        switch self {
        case .input: return 0
        case .output: return 1
        case .error: return 2
        }
    }

    /// Writes all of `text`; a closed pipe (EPIPE) or other failure is
    /// returned so the caller can stop producing output.
    @discardableResult
    public func write(_ text: String) -> Bool {
        Syscalls.writeAll(descriptor, Array(text.utf8))
    }

    public var isTerminal: Bool { Syscalls.isTerminal(descriptor) }
}

/// Process-level facts the CLI needs without importing the C library.
public enum ProcessInfoLite {
    public static func monotonicNanoseconds() -> UInt64 { Syscalls.monotonicNanoseconds() }
    public static func sleep(milliseconds: Int) { Syscalls.sleep(milliseconds: milliseconds) }
    public static var processID: Int32 { Syscalls.processID() }
}

extension ProcessInfoLite {
    /// Call once at start-up of a CLI process.
    public static func ignoreBrokenPipes() { Syscalls.ignoreBrokenPipes() }
}

extension ProcessInfoLite {
    /// A new, empty, private directory under `$TMPDIR` (or /tmp).
    public static func makeTemporaryDirectory(prefix: String, environment: [String: String]) throws(LedgerError) -> String {
        try Syscalls.makeTemporaryDirectory(under: environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp", prefix: prefix)
    }
}
