import Foundation
import TiesCore

/// A named thread of a server's background work (a scrub, the rotation
/// of scrubs), and how it stops: `stop` makes `isStopped` true, ends any
/// `rest` at once, and waits for the thread — at most
/// `Limits.writerStopWaitMs`, after which it ends on its own, touching only
/// what it owns. Only the first `stop` waits.
///
/// `@unchecked Sendable`: the mutable state is guarded by `condition`.
final class BackgroundThread: @unchecked Sendable {
    private let name: String
    private let condition = NSCondition()
    private var started = false
    private var stopped = false
    private var joined = false
    private let done = DispatchSemaphore(value: 0)

    init(name: String) {
        self.name = name
    }

    /// Runs `body` on the thread; a second start, or one after `stop`, does nothing.
    func start(_ body: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        guard !started, !stopped else { return }
        started = true
        let thread = Thread { [done] in
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
