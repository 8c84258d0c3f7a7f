import Dispatch
import TiesCore
import TiesStore
import TiesSystem

/// `ties serve` as an object: the ledger (its service, keys, API and CLI
/// write socket), the background scrub and the listener, started and
/// stopped together. `ties serve --ledgers` is `LedgersServer`.
public final class TiesServer: Sendable {
    private let host: LedgerHost
    /// The background scrub (config.json: scrubEveryHours, scrubMBPerSecond).
    public let scrub: LogScrub
    private let server: HTTPServer
    public var port: UInt16 { server.port }
    public var service: LedgerService { host.service }
    public var keys: KeyStore { host.keys }

    /// config.json is read once, here. `clockMs` is the monotonic clock the
    /// rate limits' buckets refill by (tests pass one they move by hand).
    public init(ledgerDirectory: String, configuration: HTTPServerConfiguration,
                clockMs: @escaping @Sendable () -> Int64 = { SystemClock.monotonicMilliseconds() },
                log: @escaping @Sendable (String) -> Void) throws(LedgerError) {
        let config = try LedgerConfig.load(directory: ledgerDirectory)
        scrub = LogScrub(directory: ledgerDirectory, policy: config.scrub, warn: { log("warning: \($0)") })
        host = try LedgerHost(directory: ledgerDirectory, readerCount: Limits.readersPerLedger, keys: KeyStore(ledgerDirectory: ledgerDirectory), serverKeys: nil, scrub: scrub,
                              limiter: RateLimiter(defaults: config.rateLimits, clockMs: clockMs), log: log)
        let api = host.api
        do {
            server = try HTTPServer(configuration: configuration, log: log, admitsItself: API.waitsForCommits,
                                    screen: { api.refusal(forHead: $0) }) { api.handle($0) }
        } catch {
            host.stop(graceMs: Limits.writerStopWaitMs)
            throw error
        }
    }

    /// Starts serving; the console's files (and the page naming their
    /// version) are hashed and gzipped first, so the first browser to ask
    /// does not wait for that.
    public func start() {
        _ = Console.pageAsset
        server.start()
        scrub.start()
    }

    /// Open connections, and how many of them wait for a request.
    public var openConnections: (total: Int, idle: Int) { server.openConnections }

    /// Graceful stop: no new connections, in-flight requests finish (within
    /// `graceMs`), the writer drains its queue. Acknowledged commits were
    /// durable before they were acknowledged.
    public func stop(graceMs: Int) {
        // No new CLI write is taken once the stop begins, as no new connection is.
        host.stopAccepting()
        // Long polls answer now (with Connection: close) rather than hold
        // the stop up for their whole wait.
        server.stop(graceMs: graceMs, wake: host.service.releaseWaiters)
        scrub.stop()
        host.finish(graceMs: graceMs)
    }

    /// Blocks until SIGTERM or SIGINT arrives.
    public static func waitForTerminationSignal() {
        CurrentProcess.ignoreBrokenPipes()
        CurrentProcess.ignore(CurrentProcess.terminationSignals)
        let received = DispatchSemaphore(value: 0)
        let sources = CurrentProcess.terminationSignals.map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { received.signal() }
            source.resume()
            return source
        }
        received.wait()
        sources.forEach { $0.cancel() }
    }
}
