import Foundation
import TiesCore
import TiesStore
import TiesSystem

/// The ledgers a `ties serve --ledgers DIR` has open. Each opens at its
/// first request and closes when nobody has asked for it for `idleCloseMs`,
/// or when room is needed: never more than `maxOpen` are open at once, and
/// the one closed for room is the least recently used with no request in
/// flight. A ledger's requests in flight are also capped
/// (`Limits.tenantRequestsInFlightMax`), so one busy tenant cannot take
/// every thread of the server.
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
        /// Requests holding this ledger open now.
        fileprivate var leases = 0
        fileprivate var lastUsedMs: Int64
        /// The ledger's share of the server's requests in flight.
        let requests = DispatchSemaphore(value: Limits.tenantRequestsInFlightMax)

        fileprivate init(name: LedgerName, nowMs: Int64) {
            self.name = name
            lastUsedMs = nowMs
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
    private let idleCloseMs: Int
    private let open: @Sendable (LedgerName) throws(LedgerError) -> LedgerHost
    private let condition = NSCondition()
    private var slots: [LedgerName: Slot] = [:]
    private var stopping = false
    private var reaperRunning = false
    private let reaperDone = DispatchSemaphore(value: 0)

    init(ledgers: LedgerSet, maxOpen: Int, idleCloseMs: Int, open: @escaping @Sendable (LedgerName) throws(LedgerError) -> LedgerHost) {
        self.ledgers = ledgers
        self.maxOpen = max(1, maxOpen)
        self.idleCloseMs = idleCloseMs
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

    /// Runs `body` with the ledger `name` open (opening it, and closing
    /// another for room, when needed); it stays open until `body` returns.
    /// `ledger_not_found` when there is no such ledger; `ledger_busy` when
    /// no room is made within `Limits.ledgerOpenWaitMs` or the server stops.
    func withLedger<T>(_ name: LedgerName, _ body: (LedgerHost, Slot) -> T) throws(LedgerError) -> T {
        let (slot, host) = try lease(name)
        defer { release(slot) }
        return body(host, slot)
    }

    private func lease(_ name: LedgerName) throws(LedgerError) -> (Slot, LedgerHost) {
        let deadline = Date(timeIntervalSinceNow: Double(Limits.ledgerOpenWaitMs) / 1000)
        condition.lock()
        while true {
            if stopping {
                condition.unlock()
                throw LedgerError(.ledgerBusy, "the server is stopping; the request was not read")
            }
            if let slot = slots[name] {
                if let host = slot.host {
                    slot.leases += 1
                    slot.lastUsedMs = SystemClock.monotonicMilliseconds()
                    condition.unlock()
                    return (slot, host)
                }
            } else if slots.count < maxOpen {
                guard ledgers.contains(name) else {
                    condition.unlock()
                    throw LedgerSet.notFound(name)
                }
                let slot = Slot(name: name, nowMs: SystemClock.monotonicMilliseconds())
                slots[name] = slot
                condition.unlock()
                return try opened(slot)
            } else if let victim = leastRecentlyUsedIdle() {
                victim.markClosing()
                condition.unlock()
                close(victim)
                condition.lock()
                continue
            }
            guard condition.wait(until: deadline) else {
                condition.unlock()
                throw LedgerError(.ledgerBusy, "ledger '\(name)' could not be opened within \(Limits.ledgerOpenWaitMs) ms: all \(maxOpen) open ledgers have requests in flight; retry shortly",
                                  details: ["name": .string(name.text)])
            }
        }
    }

    /// Opens the ledger of a slot just placed (outside the lock: opening
    /// takes milliseconds, and a ledger another process writes waits for its lock).
    private func opened(_ slot: Slot) throws(LedgerError) -> (Slot, LedgerHost) {
        do {
            let host = try open(slot.name)
            condition.lock()
            slot.state = .open(host)
            slot.leases = 1
            condition.broadcast()
            condition.unlock()
            return (slot, host)
        } catch {
            condition.lock()
            slots[slot.name] = nil
            condition.broadcast()
            condition.unlock()
            // Retired (or removed) while it was being opened.
            if !ledgers.contains(slot.name) { throw LedgerSet.notFound(slot.name) }
            throw error
        }
    }

    private func release(_ slot: Slot) {
        condition.lock()
        slot.leases -= 1
        slot.lastUsedMs = SystemClock.monotonicMilliseconds()
        condition.broadcast()
        condition.unlock()
    }

    /// Under the lock: the open ledger with no request in flight used the longest ago.
    private func leastRecentlyUsedIdle() -> Slot? {
        slots.values.filter { $0.host != nil && $0.leases == 0 }.min { $0.lastUsedMs < $1.lastUsedMs }
    }

    /// Closes a slot marked `.closing` and takes it out of the pool.
    private func close(_ slot: Slot) {
        if case .closing(let host?) = slot.state { host.stop(graceMs: HTTPLimits.stopGrace.wholeMilliseconds) }
        condition.lock()
        slots[slot.name] = nil
        condition.broadcast()
        condition.unlock()
    }

    /// Closes the ledger if it is open (waiting for its requests, long
    /// polls woken at once), then runs `change` while no request can open
    /// it: how a ledger is retired.
    func closed<T>(_ name: LedgerName, for change: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        let deadline = Date(timeIntervalSinceNow: Double(Limits.ledgerRetireWaitMs) / 1000)
        condition.lock()
        while let slot = slots[name], slot.host == nil {
            // Being opened or closed by another request: wait for that to end.
            guard condition.wait(until: deadline) else {
                condition.unlock()
                throw LedgerError(.ledgerBusy, "ledger '\(name)' is being opened or closed; retry shortly", details: ["name": .string(name.text)])
            }
        }
        let slot = slots[name] ?? Slot(name: name, nowMs: SystemClock.monotonicMilliseconds())
        let host = slot.host
        slot.markClosing()
        slots[name] = slot
        host?.service.releaseWaiters()
        while slot.leases > 0 {
            guard condition.wait(until: deadline) else {
                if let host { slot.state = .open(host) } else { slots[name] = nil }
                condition.broadcast()
                condition.unlock()
                throw LedgerError(.ledgerBusy, "ledger '\(name)' still has requests in flight after \(Limits.ledgerRetireWaitMs) ms; retry shortly",
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

    /// Closes every ledger (requests in flight have had the HTTP server's
    /// grace already) and stops the reaper.
    func stop(graceMs: Int) {
        condition.lock()
        stopping = true
        let open = slots.values.filter { $0.host != nil }
        open.forEach { $0.markClosing() }
        let mustJoin = reaperRunning
        reaperRunning = false
        condition.broadcast()
        condition.unlock()
        for slot in open { close(slot) }
        if mustJoin { _ = reaperDone.wait(timeout: .now() + .milliseconds(Limits.writerStopWaitMs)) }
    }

    /// Closes ledgers idle for `idleCloseMs`, looking a few times per period.
    private func reapIdle() {
        let lookEveryMs = max(10, min(idleCloseMs / 4, 10_000))
        condition.lock()
        while !stopping {
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(lookEveryMs) / 1000))
            if stopping { break }
            let nowMs = SystemClock.monotonicMilliseconds()
            let idle = slots.values.filter { $0.host != nil && $0.leases == 0 && nowMs - $0.lastUsedMs >= Int64(idleCloseMs) }
            guard !idle.isEmpty else { continue }
            idle.forEach { $0.markClosing() }
            condition.unlock()
            idle.forEach(close)
            condition.lock()
        }
        condition.unlock()
    }
}
