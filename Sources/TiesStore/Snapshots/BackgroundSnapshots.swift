import Foundation
import Synchronization
import TiesCore

/// Takes automatic snapshots on a thread of their own, so the writer never
/// waits for one (`VACUUM INTO` of a large projection takes seconds). At
/// most one runs at a time; a snapshot that comes due while one runs is
/// left to the next group.
final class BackgroundSnapshots: Sendable {
    private let queue = DispatchQueue(label: "ties-snapshots")
    /// Whether a snapshot is being taken; guarded by its `Mutex`.
    private let running = Mutex(false)
    private let idle = DispatchGroup()

    /// Runs `work` unless one is already running; false when it did not start.
    func startIfIdle(_ work: @escaping @Sendable () -> Void) -> Bool {
        let started = running.withLock { running in
            if running { return false }
            running = true
            return true
        }
        guard started else { return false }
        idle.enter()
        queue.async { [self] in
            work()
            running.withLock { $0 = false }
            idle.leave()
        }
        return true
    }

    /// Waits for a running snapshot to end; false if `timeoutMs` ran out first.
    @discardableResult
    func waitUntilIdle(timeoutMs: Int) -> Bool {
        idle.wait(timeout: .now() + .milliseconds(timeoutMs)) == .success
    }
}
