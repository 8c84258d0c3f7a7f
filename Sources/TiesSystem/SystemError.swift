import Glibc

/// A failed call to the operating system: the call, what it was made on (a
/// path, a host, a descriptor's purpose) and errno — the swift-nio habit.
/// Modules above turn it into their own error values at their edge
/// (TiesStore: `io_error`), keeping these fields as details.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The C function that failed, e.g. `fdatasync`.
    public let call: String
    /// The path, address or other operand the call was made on.
    public let subject: String
    /// errno, or 0 when the failure is not an errno (name resolution).
    public let errno: Int32
    /// `strerror(errno)`, or the resolver's message.
    public let reason: String

    /// A failure described by `errno` (the thread's current one by default).
    public init(_ call: String, _ subject: String, errno code: Int32 = Glibc.errno) {
        self.call = call
        self.subject = subject
        self.errno = code
        self.reason = String(cString: strerror(code))
    }

    /// A failure that errno does not describe.
    public init(_ call: String, _ subject: String, reason: String) {
        self.call = call
        self.subject = subject
        self.errno = 0
        self.reason = reason
    }

    public var description: String {
        errno == 0 ? "\(call)(\(subject)) failed: \(reason)" : "\(call)(\(subject)) failed: \(reason) (errno \(errno))"
    }

    /// The file exists but is another user's (EACCES, EPERM).
    public var isPermissionDenied: Bool { errno == EACCES || errno == EPERM }

    /// A socket timeout (SO_RCVTIMEO / SO_SNDTIMEO) ran out.
    public var isTimeout: Bool { errno == EAGAIN || errno == EWOULDBLOCK || errno == EINPROGRESS }

    /// `open` refused a symbolic link (`O_NOFOLLOW`, see `Files.OpenMode`).
    public var isSymbolicLink: Bool { call == "open" && errno == ELOOP }

    /// The host name could not be resolved (a usage problem, not an I/O one).
    public var isUnresolvedHost: Bool { call == "getaddrinfo" }
}

/// Runs `body` again while it fails with EINTR: a signal is not a failure.
func retryingOnInterrupt<Result: BinaryInteger>(_ body: () -> Result) -> Result {
    while true {
        let result = body()
        if result == -1 && errno == EINTR { continue }
        return result
    }
}
