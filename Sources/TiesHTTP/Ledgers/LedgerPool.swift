import Foundation
import TiesCore
import TiesStore
import TiesSystem

/// The ledgers a `ties serve --ledgers DIR` has open. Each opens at its
/// first request and closes when nobody has asked for it for `idleCloseMs`,
/// or when room is needed: never more than `maxOpen` are open at once, and
/// the one closed for room is the least recently used with no request in
/// flight but long polls (which are woken and answered). A ledger's
/// requests in flight are also capped (`Slot.requests`), so one busy tenant
/// cannot take every request slot of the server.
///
/// `@unchecked Sendable`: every mutable field is guarded by `condition`;
/// a `Slot`'s fields too.
final class LedgerPool: @unchecked Sendable {
    /// One ledger's place in the pool.
    final class Slot: @unchecked Sendable {
        enum State {
            case opening
            case open(LedgerHost)
            /// Being closed (idle, for room, or to be retired; the host
            /// if it was open): requests wait.
            case closing(LedgerHost?)
        }

        let name: LedgerName
        fileprivate var state: State = .opening
        /// Requests holding this ledger open now…
        fileprivate var leases = 0
        /// …of which long polls, which do not keep it from being closed for room.
        fileprivate var pollLeases = 0
        fileprivate var lastUsedMs: Int64
        /// The ledger's share of the server's requests in flight.
        let requests: DispatchSemaphore

        fileprivate init(name: LedgerName, nowMs: Int64, requestsMax: Int) {
            self.name = name
            lastUsedMs = nowMs
            requests = DispatchSemaphore(value: requestsMax)
        }

        fileprivate var host: LedgerHost? {
            if case .open(let host) = state { return host }
            return nil
        }

        /// Marks an open slot as closing; `close` then stops its host.
        fileprivate func markClosing() {
            state = .closing(host)
        }
    }

    let ledgers: LedgerSet
    let maxOpen: Int
    /// Requests one ledger may have in flight at once.
    let requestsPerLedger: Int
    private let idleCloseMs: Int
    private let retireWaitMs: Int
    private let open: @Sendable (LedgerName) throws(LedgerError) -> LedgerHost
    private let condition = NSCondition()
    private var slots: [LedgerName: Slot] = [:]
    private var stopping = false
    private var reaperRunning = false
    private let reaperDone = DispatchSemaphore(value: 0)

    init(ledgers: LedgerSet, maxOpen: Int, requestsPerLedger: Int, idleCloseMs: Int, retireWaitMs: Int = Limits.ledgerRetireWaitMs,
         open: @escaping @Sendable (LedgerName) throws(LedgerError) -> LedgerHost) {
        self.ledgers = ledgers
        self.maxOpen = max(1, maxOpen)
        self.requestsPerLedger = max(1, requestsPerLedger)
        self.idleCloseMs = idleCloseMs
        self.retireWaitMs = retireWaitMs
        self.open = open
    }

    /// Starts the thread that closes idle ledgers.
    func start() {
        condition.lock()
        reaperRunning = true
        condition.unlock()
        let thread = Thread { [self] in
            reapIdle()
            reaperDone.signal()
        }
        thread.name = "ties-ledger-reaper"
        thread.start()
    }

    /// The ledgers open now.
    var openNames: Set<LedgerName> {
        condition.lock()
        defer { condition.unlock() }
        return Set(slots.values.compactMap { $0.host == nil ? nil : $0.name })
    }

    /// True when the ledger is open now.
    func isOpen(_ name: LedgerName) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return slots[name]?.host != nil
    }

    /// Ledgers open, being opened or being closed now: never more than `maxOpen`.
    var occupied: Int {
        condition.lock()
        defer { condition.unlock() }
        return slots.count
    }

    /// Runs `body` with the ledger `name` open (opening it, and closing
    /// another for room, when needed); it stays open until `body` returns,
    /// unless `polling` (a long poll, woken if the ledger is closed for
    /// room). `ledger_not_found` when there is no such ledger; `ledger_busy`
    /// when no room is made within `Limits.ledgerOpenWaitMs` or the server stops.
    func withLedger<T>(_ name: LedgerName, polling: Bool = false, _ body: (LedgerHost, Slot) -> T) throws(LedgerError) -> T {
        let (slot, host) = try lease(name, polling: polling)
        defer { release(slot, polling: polling) }
        return body(host, slot)
    }

    private func lease(_ name: LedgerName, polling: Bool) throws(LedgerError) -> (Slot, LedgerHost) {
        let deadline = Date(timeIntervalSinceNow: Double(Limits.ledgerOpenWaitMs) / 1000)
        condition.lock()
        while true {
            if stopping {
                condition.unlock()
                throw LedgerError(.ledgerBusy, "the server is stopping; the request was not read")
            }
            guard Date() < deadline else { break }
            if let slot = slots[name] {
                if let host = slot.host {
                    slot.leases += 1
                    if polling { slot.pollLeases += 1 }
                    slot.lastUsedMs = SystemClock.monotonicMilliseconds()
                    condition.unlock()
                    return (slot, host)
                }
            } else {
                // Checked before any other ledger is closed for room.
                guard ledgers.contains(name) else {
                    condition.unlock()
                    throw LedgerSet.notFound(name)
                }
                if slots.count < maxOpen {
                    let slot = Slot(name: name, nowMs: SystemClock.monotonicMilliseconds(), requestsMax: requestsPerLedger)
                    slots[name] = slot
                    condition.unlock()
                    return try opened(slot, polling: polling)
                }
                if let victim = leastRecentlyUsedIdle() {
                    victim.markClosing()
                    condition.unlock()
                    close(victim, graceMs: HTTPLimits.stopGrace.wholeMilliseconds)
                    condition.lock()
                    continue
                }
            }
            _ = condition.wait(until: deadline)
        }
        condition.unlock()
        throw LedgerError(.ledgerBusy, "ledger '\(name)' could not be opened within \(Limits.ledgerOpenWaitMs) ms: all \(maxOpen) open ledgers have requests in flight; retry shortly",
                          details: ["name": .string(name.text)])
    }

    /// Opens the ledger of a slot just placed (outside the lock: opening
    /// takes milliseconds, a ledger another process writes waits for its
    /// lock, and one whose projection is gone is rebuilt first).
    private func opened(_ slot: Slot, polling: Bool) throws(LedgerError) -> (Slot, LedgerHost) {
        let host: LedgerHost
        do {
            host = try open(slot.name)
        } catch {
            condition.lock()
            slots[slot.name] = nil
            condition.broadcast()
            condition.unlock()
            // Retired (or removed) while it was being opened.
            if !ledgers.contains(slot.name) { throw LedgerSet.notFound(slot.name) }
            throw error
        }
        condition.lock()
        if stopping {
            // `stop` has closed the others meanwhile: this one is not served either.
            slot.state = .closing(host)
            condition.unlock()
            close(slot, graceMs: HTTPLimits.stopGrace.wholeMilliseconds)
            throw LedgerError(.ledgerBusy, "the server is stopping; the request was not read")
        }
        slot.state = .open(host)
        slot.leases = 1
        slot.pollLeases = polling ? 1 : 0
        condition.broadcast()
        condition.unlock()
        return (slot, host)
    }

    private func release(_ slot: Slot, polling: Bool) {
        condition.lock()
        slot.leases -= 1
        if polling { slot.pollLeases -= 1 }
        slot.lastUsedMs = SystemClock.monotonicMilliseconds()
        condition.broadcast()
        condition.unlock()
    }

    /// Under the lock: the open ledger used the longest ago of those with no
    /// request in flight but long polls.
    private func leastRecentlyUsedIdle() -> Slot? {
        slots.values.filter { $0.host != nil && $0.leases == $0.pollLeases }.min { $0.lastUsedMs < $1.lastUsedMs }
    }

    /// Closes a slot marked `.closing` (waking its long polls) and takes it out of the pool.
    private func close(_ slot: Slot, graceMs: Int) {
        if case .closing(let host?) = slot.state { host.stop(graceMs: graceMs) }
        condition.lock()
        slots[slot.name] = nil
        condition.broadcast()
        condition.unlock()
    }

    /// Closes the ledger if it is open (waiting for its requests, long
    /// polls woken at once), then runs `change` while no request can open
    /// it: how a ledger is retired.
    func closed<T>(_ name: LedgerName, for change: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        let deadline = Date(timeIntervalSinceNow: Double(retireWaitMs) / 1000)
        condition.lock()
        while let slot = slots[name], slot.host == nil {
            // Being opened or closed by another request: wait for that to end.
            guard condition.wait(until: deadline) else {
                condition.unlock()
                throw LedgerError(.ledgerBusy, "ledger '\(name)' is being opened or closed; retry shortly", details: ["name": .string(name.text)])
            }
        }
        let slot = slots[name] ?? Slot(name: name, nowMs: SystemClock.monotonicMilliseconds(), requestsMax: requestsPerLedger)
        let host = slot.host
        slot.markClosing()
        slots[name] = slot
        host?.service.releaseWaiters()
        while slot.leases > 0 {
            guard condition.wait(until: deadline) else {
                if let host {
                    // Served on as before: its long polls wait again.
                    host.service.resumeWaiters()
                    slot.state = .open(host)
                } else {
                    slots[name] = nil
                }
                condition.broadcast()
                condition.unlock()
                throw LedgerError(.ledgerBusy, "ledger '\(name)' still has requests in flight after \(retireWaitMs) ms; retry shortly",
                                  details: ["name": .string(name.text)])
            }
        }
        condition.unlock()
        host?.stop(graceMs: HTTPLimits.stopGrace.wholeMilliseconds)
        defer {
            condition.lock()
            slots[name] = nil
            condition.broadcast()
            condition.unlock()
        }
        return try change()
    }

    /// How many long polls wait on the ledger now (0 when it is not open).
    func waitingOn(_ name: LedgerName) -> Int {
        condition.lock()
        let host = slots[name]?.host
        condition.unlock()
        return host?.service.headWaiters ?? 0
    }

    /// Wakes every long poll of every open ledger, and makes later ones return at once.
    func releaseWaiters() {
        condition.lock()
        let hosts = slots.values.compactMap(\.host)
        condition.unlock()
        hosts.forEach { $0.service.releaseWaiters() }
    }

    /// Closes every ledger side by side, each within `graceMs` (requests
    /// in flight have had the HTTP server's grace already), waits for
    /// ledgers being opened or closed meanwhile (as long again), and stops
    /// the reaper.
    func stop(graceMs: Int) {
        condition.lock()
        stopping = true
        let open = slots.values.filter { $0.host != nil }
        open.forEach { $0.markClosing() }
        let mustJoin = reaperRunning
        reaperRunning = false
        condition.broadcast()
        condition.unlock()
        DispatchQueue.concurrentPerform(iterations: open.count) { close(open[$0], graceMs: graceMs) }
        let deadline = Date(timeIntervalSinceNow: Double(graceMs) / 1000)
        condition.lock()
        while !slots.isEmpty, condition.wait(until: deadline) {}
        condition.unlock()
        if mustJoin { _ = reaperDone.wait(timeout: .now() + .milliseconds(Limits.writerStopWaitMs)) }
    }

    /// Closes ledgers idle for `idleCloseMs`, looking a few times per period.
    private func reapIdle() {
        let lookEveryMs = Int64(max(10, min(idleCloseMs / 4, 10_000)))
        var nextLookMs = SystemClock.monotonicMilliseconds() + lookEveryMs
        condition.lock()
        while !stopping {
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(max(1, nextLookMs - SystemClock.monotonicMilliseconds())) / 1000))
            let nowMs = SystemClock.monotonicMilliseconds()
            // Woken by a request ending: not time to look yet.
            guard !stopping, nowMs >= nextLookMs else { continue }
            nextLookMs = nowMs + lookEveryMs
            let idle = slots.values.filter { $0.host != nil && $0.leases == 0 && nowMs - $0.lastUsedMs >= Int64(idleCloseMs) }
            guard !idle.isEmpty else { continue }
            idle.forEach { $0.markClosing() }
            condition.unlock()
            idle.forEach { close($0, graceMs: HTTPLimits.stopGrace.wholeMilliseconds) }
            condition.lock()
        }
        condition.unlock()
    }
}
