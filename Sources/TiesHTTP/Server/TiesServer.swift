import Dispatch
import TiesCore
import TiesStore
import TiesSystem

/// `ties serve` as an object: the ledger service, the keys, the API and the
/// listener, started and stopped together.
public final class TiesServer: Sendable {
    public let service: LedgerService
    public let keys: KeyStore
    /// The background scrub (config.json: scrubEveryHours, scrubMBPerSecond).
    public let scrub: LogScrub
    /// Takes the CLI's writes while this server holds the ledger; nil when
    /// the socket could not be made (then CLI writes get `ledger_busy`).
    private let writeSocket: WriteSocketServer?
    private let server: HTTPServer
    public var port: UInt16 { server.port }

    /// config.json is read once, here. `clockMs` is the monotonic clock the
    /// rate limits' buckets refill by (tests pass one they move by hand).
    public init(ledgerDirectory: String, configuration: HTTPServerConfiguration,
                clockMs: @escaping @Sendable () -> Int64 = { SystemClock.monotonicMilliseconds() },
                log: @escaping @Sendable (String) -> Void) throws(LedgerError) {
        let config = try LedgerConfig.load(directory: ledgerDirectory)
        service = try LedgerService(directory: ledgerDirectory, warn: { log("warning: \($0)") })
        keys = KeyStore(ledgerDirectory: ledgerDirectory)
        scrub = LogScrub(directory: ledgerDirectory, policy: config.scrub, warn: { log("warning: \($0)") })
        let api = API(service: service, keys: keys, scrub: scrub, rateLimits: config.rateLimits, clockMs: clockMs)
        do {
            server = try HTTPServer(configuration: configuration, log: log, waitsOnPurpose: API.waitsForCommits,
                                    screen: { api.refusal(forHead: $0) }) { api.handle($0) }
        } catch {
            service.shutdown(timeoutMs: Limits.writerStopWaitMs)
            throw error
        }
        do {
            writeSocket = try WriteSocketServer(service: service)
        } catch {
            writeSocket = nil
            log("warning: CLI writes cannot be handed to this server, so they get ledger_busy while it runs: \(error.message)")
        }
    }

    /// Starts serving; the console's files (and the page naming their
    /// version) are hashed and gzipped first, so the first browser to ask
    /// does not wait for that.
    public func start() {
        _ = Console.pageAsset
        server.start()
        writeSocket?.start()
        scrub.start()
    }

    /// Open connections, and how many of them wait for a request.
    public var openConnections: (total: Int, idle: Int) { server.openConnections }

    /// Graceful stop: no new connections, in-flight requests finish (within
    /// `graceMs`), the writer drains its queue. Acknowledged commits were
    /// durable before they were acknowledged.
    public func stop(graceMs: Int) {
        // Long polls answer now (with Connection: close) rather than hold
        // the stop up for their whole wait.
        // No new CLI write is taken once the stop begins, as no new connection is.
        writeSocket?.stopAccepting()
        server.stop(graceMs: graceMs, wake: service.releaseWaiters)
        writeSocket?.finish(graceMs: graceMs)
        scrub.stop()
        service.shutdown(timeoutMs: graceMs)
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
