import TiesCore
import TiesStore
import TiesSystem

/// One ledger as a server serves it: its service (the writer and its
/// readers), its keys, its API, and the socket that takes the CLI's writes
/// while the server holds it. `ties serve` has one; `ties serve --ledgers`
/// one for each ledger it has open.
final class LedgerHost: Sendable {
    let service: LedgerService
    let keys: KeyStore
    let api: API
    /// nil when the socket could not be made (then CLI writes get `ledger_busy`).
    private let writeSocket: WriteSocketServer?

    /// Opens the ledger for writing and starts taking CLI writes.
    /// `keys`: the store of its `keys.json`; `serverKeys` are the
    /// server-wide keys that act as admin here too;
    /// `limiter` carries the rate limits' buckets (kept by the caller, so
    /// they outlive a ledger closed and opened again).
    init(directory: String, readerCount: Int, keys: KeyStore, serverKeys: KeyStore?, scrub: LogScrub?, limiter: RateLimiter,
         log: @escaping @Sendable (String) -> Void) throws(LedgerError) {
        service = try LedgerService(directory: directory, readerCount: readerCount, warn: { log("warning: \($0)") })
        self.keys = keys
        api = API(service: service, keys: keys, serverKeys: serverKeys, scrub: scrub, limiter: limiter)
        do {
            writeSocket = try WriteSocketServer(service: service)
        } catch {
            writeSocket = nil
            log("warning: CLI writes to \(directory) cannot be handed to this server, so they get ledger_busy while it holds the ledger: \(error.message)")
        }
        writeSocket?.start()
    }

    /// No new CLI write is taken (the socket file goes; later CLI writes
    /// wait for the writer lock and open the ledger themselves).
    func stopAccepting() {
        writeSocket?.stopAccepting()
    }

    /// Finishes the CLI writes under way (within `graceMs`), then the
    /// writer's queue, and closes the ledger. Every acknowledged commit was
    /// durable before it was acknowledged.
    func finish(graceMs: Int) {
        writeSocket?.finish(graceMs: graceMs)
        service.shutdown(timeoutMs: graceMs)
    }

    /// `stopAccepting`, then `finish`.
    func stop(graceMs: Int) {
        stopAccepting()
        service.releaseWaiters()
        finish(graceMs: graceMs)
    }
}
