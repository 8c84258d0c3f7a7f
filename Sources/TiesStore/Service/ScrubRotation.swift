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
    private let condition = NSCondition()
    private var scrubs: [LedgerName: LogScrub] = [:]
    private var stopped = false
    private var started = false
    private let done = DispatchSemaphore(value: 0)
    /// How long the rotation rests when no ledger is due.
    private static let restMs = 60_000

    public init(ledgers: LedgerSet, warn: @escaping @Sendable (String) -> Void) {
        self.ledgers = ledgers
        self.warn = warn
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
        if stopped { scrub.stop() }
        scrubs[name] = scrub
        return scrub
    }

    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !started else { return }
        started = true
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.name = "ties-scrub-rotation"
        thread.start()
    }

    /// Stops the pass under way and the rotation (at most `Limits.writerStopWaitMs`).
    public func stop() {
        condition.lock()
        stopped = true
        let running = Array(scrubs.values)
        let mustJoin = started
        started = false
        condition.broadcast()
        condition.unlock()
        running.forEach { $0.stop() }
        if mustJoin { _ = done.wait(timeout: .now() + .milliseconds(Limits.writerStopWaitMs)) }
    }

    private var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    private func run() {
        while !isStopped {
            let names = (try? ledgers.names()) ?? []
            forget(allBut: Set(names))
            for name in names where !isStopped {
                guard let scrub = scrub(of: name), scrub.isDue(nowMs: Ledger.clock().millisecondsSinceEpoch) else { continue }
                scrub.nextPass()
            }
            condition.lock()
            let until = Date(timeIntervalSinceNow: Double(Self.restMs) / 1000)
            while !stopped && Date() < until { _ = condition.wait(until: until) }
            condition.unlock()
        }
    }

    /// Drops the scrubs of ledgers retired since.
    private func forget(allBut names: Set<LedgerName>) {
        condition.lock()
        scrubs = scrubs.filter { names.contains($0.key) }
        condition.unlock()
    }
}
