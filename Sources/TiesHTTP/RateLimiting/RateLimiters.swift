import Synchronization
import TiesCore
import TiesStore

/// The rate limiters of a `ties serve --ledgers` server, one per ledger,
/// made when the ledger first opens (with its config.json's defaults then)
/// and kept while the server runs: a ledger closed when idle and opened
/// again does not hand its keys full buckets.
final class RateLimiters: Sendable {
    private let clockMs: @Sendable () -> Int64
    private let limiters = Mutex<[LedgerName: RateLimiter]>([:])

    init(clockMs: @escaping @Sendable () -> Int64) {
        self.clockMs = clockMs
    }

    /// The ledger's limiter; `defaults` reads its config.json's limits the first time.
    func limiter(for name: LedgerName, defaults: () throws(LedgerError) -> RateLimits) throws(LedgerError) -> RateLimiter {
        if let limiter = limiters.withLock({ $0[name] }) { return limiter }
        let made = RateLimiter(defaults: try defaults(), clockMs: clockMs)
        return limiters.withLock { limiters in
            if let raced = limiters[name] { return raced }
            limiters[name] = made
            return made
        }
    }

    /// Drops a retired ledger's limiter.
    func forget(_ name: LedgerName) {
        limiters.withLock { $0[name] = nil }
    }
}
