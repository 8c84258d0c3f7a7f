import Glibc

/// Facts about this process and the signals it takes.
public enum CurrentProcess {
    public static var id: Int32 { getpid() }

    /// Whether a process with this pid exists (one of another user's too).
    public static func isRunning(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    /// The process's arguments, its own name first, as the bytes it was
    /// given. `CommandLine.arguments` repairs bytes that are not UTF-8 into
    /// U+FFFD, which would silently turn one ID into another.
    public static func argumentBytes() -> [[UInt8]] {
        (0..<Int(CommandLine.argc)).map { index in
            guard let argument = CommandLine.unsafeArgv[index] else { return [] }
            return Array(UnsafeRawBufferPointer(start: argument, count: strlen(argument)))
        }
    }

    /// The name of the OS user, the default actor of a CLI commit.
    public static func userName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return "uid-\(geteuid())"
    }

    /// SIGPIPE would kill the process when its output pipe closes
    /// (`ties log | head`); ignored, a closed pipe becomes an EPIPE error
    /// the writer handles.
    /// Raises the soft limit on open file descriptors to the hard one (a
    /// server holding many ledgers needs more than the usual 1,024) and
    /// returns the soft limit now in force.
    public static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1_024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Ends the process with `status` (the CLI's exit code).
    public static func exit(_ status: Int32) -> Never {
        Glibc.exit(status)
    }

    /// Signals that ask a server to stop.
    public static let terminationSignals: [Int32] = [SIGTERM, SIGINT]

    /// Stops the default action of `signals`, so that a dispatch signal
    /// source can handle them instead.
    public static func ignore(_ signals: [Int32]) {
        for number in signals { signal(number, SIG_IGN) }
    }
}
