import Foundation
import TiesCore
import TiesHTTP
import TiesStore
import TiesSystem
import TiesTestSupport

/// A quiet tenant beside a busy one, on one `ties serve --ledgers`
/// server: ledger `big` imports `--ledgers-import-events` links in
/// batches of `BenchLimits.importBatchSize` (`POST /v1/ledgers/big/batch`,
/// `--ledgers-import-clients` clients sending as fast as they are
/// answered), while ledger `quiet` gets a single-link write and a read
/// `--ledgers-quiet-rate` times a second (`QuietClient`) until the import ends.
enum TenantsBench {
    static let batchSize = BenchLimits.importBatchSize

    static func run(_ options: BenchOptions, set: LedgerSet) throws(BenchError) -> TenantsResult {
        var tenants = try LedgersBench.createTenants(["big", "quiet"], in: set)
        let events = options.tenantImportEvents
        let batches = (events + batchSize - 1) / batchSize
        let clients = options.tenantImportClients
        let (importer, quiet, quietAlone) = try LedgersBench.withServer(set, clients: clients + 1, maxOpen: Limits.openLedgersDefault) { server throws(BenchError) in
            try LedgersBench.register(&tenants, port: server.port)
            let big = tenants[0]
            BenchSystem.progress("ledgers phase: ledger quiet alone for \(BenchLimits.quietAloneMs / 1_000) s: a write and a read \(options.quietRate) times a second")
            let alone = QuietClient(port: server.port, tenant: tenants[1], rate: options.quietRate, firstIndex: 0)
            alone.start()
            SystemClock.sleep(milliseconds: BenchLimits.quietAloneMs)
            let quietAlone = try alone.stop()
            let quietClient = QuietClient(port: server.port, tenant: tenants[1], rate: options.quietRate, firstIndex: quietAlone.ticks)
            let deadlineNs = BenchSystem.nowNs() + BenchLimits.tenantImportSecondsMax(events: events) * 1_000_000_000
            let load = LoadState(port: server.port, requests: batches, clients: clients, deadlineNs: deadlineNs,
                                 noun: "batches of \(Format.grouped(batchSize)) links to ledger big, while ledger quiet writes and reads \(options.quietRate) times a second") { batch in
                batchRequest(batch, events: events, tenant: big)
            }
            BenchSystem.progress("ledgers phase: ledger big imports \(Format.grouped(events)) links (\(clients) clients); ledger quiet writes and reads \(options.quietRate)/s")
            quietClient.start()
            let importer: HTTPLoadResult
            do throws(BenchError) {
                importer = try HTTPLoad.drive(load)
            } catch {
                _ = try? quietClient.stop()
                throw error
            }
            return (importer, try quietClient.stop(), quietAlone)
        }
        // Less the setup: the object type and the link type.
        var result = TenantsResult(importer: importer, batchSize: batchSize, importedEvents: try LedgersBench.headSum(set, [tenants[0]]) - 2, quiet: quiet,
                                 quietAlone: quietAlone)
        if importer.succeeded == batches && result.importedEvents != Int64(events) {
            result.importer.errors.append(HTTPLoadError(kind: "ledger big's head moved by \(result.importedEvents) events for \(events) links in 2xx batches",
                                                        count: 1, example: nil))
        }
        return result
    }

    /// `POST /v1/ledgers/big/batch` of links `batch × batchSize` onwards, the last batch cut at `events`.
    private static func batchRequest(_ batch: Int, events: Int, tenant: LedgersBench.Tenant) -> [UInt8] {
        let first = batch * batchSize
        var body = "["
        for index in first..<min(events, first + batchSize) {
            if index > first { body += "," }
            body += #"{"op":"link","# + LoadState.linkFields(index, typeID: tenant.typeID) + "}"
        }
        body += "]"
        return HTTPWire.request("POST", tenant.prefix + "/batch", body: Array(body.utf8), token: tenant.key)
    }
}
