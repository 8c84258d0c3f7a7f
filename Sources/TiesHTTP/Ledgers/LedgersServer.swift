import TiesCore
import TiesStore
import TiesSystem

/// `ties serve --ledgers DIR` as an object: every ledger under DIR served
/// at `/v1/ledgers/NAME` (TiesHTTP.docc/Ledgers.md), each opened at its
/// first request and closed when idle (`LedgerPool`), one background scrub
/// taking the ledgers in turn, one listener.
public final class LedgersServer: Sendable {
    public let ledgers: LedgerSet
    let pool: LedgerPool
    /// Answers requests without the listener (tests call it in-process).
    let api: LedgersAPI
    private let scrubs: ScrubRotation
    private let server: HTTPServer
    public var port: UInt16 { server.port }
    /// The ledgers open now.
    public var openLedgers: Set<LedgerName> { pool.openNames }

    /// `maxOpen`: the most ledgers open at once; `idleCloseMs`: how long
    /// a ledger nobody asks for stays open. Each ledger's config.json is
    /// read when it opens; its rate limits' buckets live as long as the server.
    public init(directory: String, configuration: HTTPServerConfiguration, maxOpen: Int = Limits.openLedgersDefault,
                idleCloseMs: Int = Limits.ledgerIdleCloseMs, retireWaitMs: Int = Limits.ledgerRetireWaitMs,
                clockMs: @escaping @Sendable () -> Int64 = { SystemClock.monotonicMilliseconds() },
                log: @escaping @Sendable (String) -> Void) throws(LedgerError) {
        let ledgers = try LedgerSet(directory: directory)
        let scrubs = ScrubRotation(ledgers: ledgers, warn: { log("warning: \($0)") })
        let limiters = RateLimiters(clockMs: clockMs)
        let serverKeys = ledgers.keys
        let ledgerKeys = LedgerKeyStores(ledgers: ledgers)
        // Half the server's requests in flight for one ledger: a tenant importing flat out leaves the other half.
        pool = LedgerPool(ledgers: ledgers, maxOpen: maxOpen, requestsPerLedger: configuration.requestsInFlightMax / 2, idleCloseMs: idleCloseMs,
                          retireWaitMs: retireWaitMs) { name throws(LedgerError) in
            let path = ledgers.path(of: name)
            let limiter = try limiters.limiter(for: name) { () throws(LedgerError) in try LedgerConfig.load(directory: path).rateLimits }
            return try LedgerHost(directory: path, readerCount: Limits.tenantReadersPerLedger, keys: ledgerKeys.store(of: name), serverKeys: serverKeys,
                                  scrub: scrubs.scrub(of: name), limiter: limiter, log: { log("\(name): \($0)") })
        }
        let api = LedgersAPI(pool: pool, serverKeys: serverKeys, ledgerKeys: ledgerKeys, configuration: configuration) { name in
            // A ledger created later under the name starts afresh.
            limiters.forget(name)
            scrubs.forget(name)
            ledgerKeys.forget(name)
        }
        self.api = api
        server = try HTTPServer(configuration: configuration, log: log, admitsItself: LedgersAPI.admitsItself,
                                screen: { api.refusal(forHead: $0) }) { api.handle($0) }
        self.ledgers = ledgers
        self.scrubs = scrubs
    }

    public func start() {
        pool.start()
        server.start()
        scrubs.start()
    }

    /// Graceful stop: no new connections, requests in flight finish
    /// (within `graceMs`), then every open ledger drains its writer and closes.
    public func stop(graceMs: Int) {
        server.stop(graceMs: graceMs, wake: pool.releaseWaiters)
        scrubs.stop()
        pool.stop(graceMs: graceMs)
    }
}
