import Glibc

/// The process's standard input, output and error.
public enum StandardStream: Sendable {
    case input
    case output
    case error

    public var descriptor: Int32 {
        switch self {
        case .input: return STDIN_FILENO
        case .output: return STDOUT_FILENO
        case .error: return STDERR_FILENO
        }
    }

    /// Writes all of `text`; false when the stream is gone (EPIPE) or
    /// failing, so the caller can stop producing output.
    @discardableResult
    public func write(_ text: String) -> Bool {
        write(bytes: Array(text.utf8))
    }

    @discardableResult
    public func write(bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            var written = 0
            while written < raw.count {
                let result = Glibc.write(descriptor, base + written, raw.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += result
            }
            return true
        }
    }

    public var isTerminal: Bool { isatty(descriptor) == 1 }
}
