import Foundation
import TiesCore
import TiesSystem

/// A named thread of a server's background work (a scrub, the rotation
/// of scrubs), and how it stops: `stop` makes `isStopped` true, ends any
/// `rest` at once, and waits for the thread — at most
/// `Limits.writerStopWaitMs`, after which it ends on its own, touching only
/// what it owns. Only the first `stop` waits.
///
/// `@unchecked Sendable`: the mutable state is guarded by `condition`.
final class BackgroundThread: @unchecked Sendable {
    private let name: String
    /// The thread's nice value (nil: the process's own).
    private let niceness: Int32?
    private let warn: @Sendable (String) -> Void
    private let condition = NSCondition()
    private var started = false
    private var stopped = false
    private var joined = false
    private let done = DispatchSemaphore(value: 0)

    /// `name` is also the kernel's name of the thread (`ps -L`; at most 15
    /// bytes); `niceness` lowers its CPU priority, so its work yields to the
    /// server's requests (a refusal is told to `warn`, and it runs as is).
    init(name: String, niceness: Int32? = nil, warn: @escaping @Sendable (String) -> Void = { _ in }) {
        self.name = name
        self.niceness = niceness
        self.warn = warn
    }

    /// Runs `body` on the thread; a second start, or one after `stop`, does nothing.
    func start(_ body: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        guard !started, !stopped else { return }
        started = true
        let thread = Thread { [done, name, niceness, warn] in
            _ = CurrentThread.setName(name)  // For ps -L and tests; unnamed it works the same.
            if let niceness, let error = CurrentThread.setNiceness(niceness) {
                warn("\(name) runs at the server's own CPU priority (setpriority: errno \(error))")
            }
            body()
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Sleeps until `deadline` or until stopped (waking at least once a
    /// minute, so a missed signal costs at most that); true when stopped.
    func rest(until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !stopped && Date() < deadline { _ = condition.wait(until: min(deadline, Date(timeIntervalSinceNow: 60))) }
        return stopped
    }

    /// Stops the thread: `isStopped` turns true first, then `beforeJoining`
    /// runs (to stop work the thread is waiting on), then the thread is waited for.
    func stop(beforeJoining: () -> Void = {}) {
        condition.lock()
        stopped = true
        let mustJoin = started && !joined
        joined = true
        condition.broadcast()
        condition.unlock()
        beforeJoining()
        if mustJoin { _ = done.wait(timeout: .now() + .milliseconds(Limits.writerStopWaitMs)) }
    }
}
