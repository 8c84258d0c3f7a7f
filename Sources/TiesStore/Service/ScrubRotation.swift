import Foundation
import TiesCore

/// The background scrub of a `ties serve --ledgers DIR`: one thread that
/// takes the ledgers in turn, one pass at a time, each by its own
/// config.json schedule and speed (`LogScrub`), whether or not the ledger
/// is open. One thread for the whole set, so a thousand ledgers never read
/// a thousand logs at once.
///
/// `@unchecked Sendable`: the mutable state is guarded by `condition`.
public final class ScrubRotation: @unchecked Sendable {
    private let ledgers: LedgerSet
    private let warn: @Sendable (String) -> Void
    /// Guards `scrubs`.
    private let condition = NSCondition()
    private var scrubs: [LedgerName: LogScrub] = [:]
    private let thread: BackgroundThread
    /// How long the rotation rests when no ledger is due.
    private static let restMs = 60_000

    public init(ledgers: LedgerSet, warn: @escaping @Sendable (String) -> Void) {
        self.ledgers = ledgers
        self.warn = warn
        // The passes run on this thread: at the scrub's low priority.
        thread = BackgroundThread(name: "ties-scrub-rota", niceness: Limits.scrubThreadNiceness, warn: warn)
    }

    /// The scrub of one ledger, made when first asked for (its progress is
    /// what the ledger's health reports); nil when its config.json cannot be read.
    public func scrub(of name: LedgerName) -> LogScrub? {
        condition.lock()
        defer { condition.unlock() }
        if let scrub = scrubs[name] { return scrub }
        let directory = ledgers.path(of: name)
        guard let config = try? LedgerConfig.load(directory: directory) else { return nil }
        let scrub = LogScrub(directory: directory, policy: config.scrub, warn: { [warn] in warn("\(name): \($0)") })
        if thread.isStopped { scrub.stop() }
        scrubs[name] = scrub
        return scrub
    }

    public func start() {
        thread.start { [self] in run() }
    }

    /// Stops the pass under way and the rotation (at most `Limits.writerStopWaitMs`).
    public func stop() {
        thread.stop { [self] in
            condition.lock()
            let running = Array(scrubs.values)
            condition.unlock()
            running.forEach { $0.stop() }
        }
    }

    private func run() {
        while !thread.isStopped {
            let names = (try? ledgers.names()) ?? []
            forget(allBut: Set(names))
            for name in names where !thread.isStopped {
                guard let scrub = scrub(of: name), scrub.isDue(nowMs: Ledger.clock().millisecondsSinceEpoch) else { continue }
                scrub.nextPass()
            }
            if thread.rest(until: Date(timeIntervalSinceNow: Double(Self.restMs) / 1000)) { break }
        }
    }

    /// Stops and drops the scrub of a ledger just retired (it would read,
    /// and record damage for, a ledger created later under its name).
    public func forget(_ name: LedgerName) {
        condition.lock()
        let scrub = scrubs.removeValue(forKey: name)
        condition.unlock()
        scrub?.stop()
    }

    /// Drops the scrubs of ledgers retired since.
    private func forget(allBut names: Set<LedgerName>) {
        condition.lock()
        scrubs = scrubs.filter { names.contains($0.key) }
        condition.unlock()
    }
}
