import Glibc

/// The clocks and the one way Ties sleeps.
public enum SystemClock {
    /// The wall clock in milliseconds since 1970, for commit times (the
    /// ledger keeps them non-decreasing, whatever this clock does).
    public static func wallMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// A monotonic clock in nanoseconds, for timeouts and rates.
    public static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// CPU time the calling thread has used, in nanoseconds: a benchmark on
    /// a shared machine tells a query's own cost from time spent waiting for a CPU.
    public static func threadCPUNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    public static func monotonicMilliseconds() -> Int64 {
        Int64(monotonicNanoseconds() / 1_000_000)
    }

    /// Sleeps the whole time even when signals interrupt it.
    public static func sleep(milliseconds: Int) {
        precondition(milliseconds >= 0, "cannot sleep a negative time")
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }

    /// Checks `done` every `pollMs` until it holds (true) or `timeoutMs`
    /// has passed (false): for a stopping server waiting on its threads.
    public static func waitUntil(timeoutMs: Int, pollMs: Int = 10, _ done: () -> Bool) -> Bool {
        let deadline = monotonicMilliseconds() + Int64(timeoutMs)
        while monotonicMilliseconds() < deadline {
            if done() { return true }
            sleep(milliseconds: pollMs)
        }
        return done()
    }
}
