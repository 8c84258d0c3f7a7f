import TiesSystem

/// Waiting for something another thread or process does.
public enum Wait {
    /// Generous on purpose: a loaded two-core machine can stall a thread for
    /// seconds, and a wait that is met returns as soon as it is met.
    public static let defaultTimeoutMs = 30_000

    /// Checks `condition` every `pollMs` until it holds (true) or `timeoutMs`
    /// passes (false). Checked once more at the deadline, so a condition
    /// met just then still counts.
    public static func until(timeoutMs: Int = defaultTimeoutMs, pollMs: Int = 5, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Deadline(fromNowMs: timeoutMs)
        while true {
            if try condition() { return true }
            if deadline.hasPassed { return false }
            sleep(milliseconds: min(pollMs, max(1, deadline.remainingMs)))
        }
    }

    /// The first non-nil value of `value`, or nil after `timeoutMs`.
    public static func forValue<T>(timeoutMs: Int = defaultTimeoutMs, pollMs: Int = 5, _ value: () throws -> T?) rethrows -> T? {
        var found: T?
        _ = try until(timeoutMs: timeoutMs, pollMs: pollMs) {
            found = try value()
            return found != nil
        }
        return found
    }

    public static func sleep(milliseconds: Int) {
        SystemClock.sleep(milliseconds: milliseconds)
    }
}
