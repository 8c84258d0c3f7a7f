import Dispatch
import Foundation
import Synchronization
import TiesSystem
import TiesTestSupport

/// The quiet tenant's client, on a thread of its own: one keep-alive
/// connection, and every 1/rate s a single-link write and then a read of
/// that person's relationships, until `stop`. Ticks are on a fixed
/// schedule from the start; a late answer makes the next request go at
/// once rather than skip a tick.
final class QuietClient: Sendable {
    let port: UInt16
    let tenant: LedgersBench.Tenant
    let rate: Int
    /// The link index of the first write; the next client on the same ledger starts after this one's last.
    let firstIndex: Int
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private let result = Mutex<QuietResult?>(nil)

    init(port: UInt16, tenant: LedgersBench.Tenant, rate: Int, firstIndex: Int) {
        self.port = port
        self.tenant = tenant
        self.rate = rate
        self.firstIndex = firstIndex
    }

    func start() {
        let thread = Thread { [self] in
            let outcome = run()
            result.withLock { $0 = outcome }
            done.signal()
        }
        thread.name = "ties-bench-quiet"
        thread.start()
    }

    /// Stops after the request under way and returns what was measured.
    func stop() throws(BenchError) -> QuietResult {
        stopping.store(true, ordering: .relaxed)
        guard done.wait(timeout: .now() + .milliseconds(BenchLimits.quietStopWaitMs)) == .success,
              let measured = result.withLock({ $0 }) else {
            throw .failed("the quiet tenant's client did not stop within \(BenchLimits.quietStopWaitMs / 1_000) s")
        }
        return measured
    }

    private func run() -> QuietResult {
        var writes = ClientOutcome()
        var reads = ClientOutcome()
        let intervalNs = 1_000_000_000 / UInt64(rate)
        var connection = HTTPLoad.connect(port: port, &writes)
        let startNs = BenchSystem.nowNs()
        var tick = 0
        while let open = connection, !stopping.load(ordering: .relaxed) {
            let dueNs = startNs + UInt64(tick) * intervalNs
            let nowNs = BenchSystem.nowNs()
            if dueNs > nowNs { SystemClock.sleep(milliseconds: Int((dueNs - nowNs) / 1_000_000)) }
            let write = LoadState.linkRequest(firstIndex + tick, typeID: tenant.typeID, key: tenant.key, path: tenant.prefix + "/relationships")
            connection = HTTPLoad.exchange(write, on: open, port: port, &writes)
            if let open = connection {
                let read = HTTPWire.request("GET", tenant.prefix + "/records/person/hp\(firstIndex + tick)/relationships", token: tenant.key)
                connection = HTTPLoad.exchange(read, on: open, port: port, &reads)
            }
            tick += 1
        }
        connection?.close()
        var tally: [String: (count: Int, example: String?)] = [:]
        for (prefix, outcome) in [("write: ", writes), ("read: ", reads)] {
            for (kind, seen) in outcome.errors { tally[prefix + kind] = seen }
        }
        return QuietResult(rate: rate, ticks: tick, seconds: Double(BenchSystem.nowNs() - startNs) / 1e9,
                           writes: LatencySummary(nanoseconds: writes.latenciesNs), reads: LatencySummary(nanoseconds: reads.latenciesNs),
                           attempted: writes.attempted + reads.attempted, succeeded: writes.succeeded + reads.succeeded,
                           errors: HTTPLoadError.list(tally))
    }
}
