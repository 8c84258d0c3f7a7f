import Foundation
import TiesCore
import TiesHTTP
import TiesStore
import TiesSystem
import TiesTestSupport

/// `ties serve --ledgers DIR` under load, in-process: `--ledgers` ledgers
/// under one `LedgersServer`, each with an append key of its own and the
/// http phase's link type (registered through the API, which opens every
/// ledger before the clock starts), then the http phase's clients and
/// requests, each request to a ledger drawn at random; the same again with
/// fewer ledgers allowed open; then a quiet tenant beside an importing one
/// (`TenantsBench`).
enum LedgersBench {
    /// One ledger as its client sees it.
    struct Tenant: Sendable {
        let name: LedgerName
        /// An append key of the ledger's own (`KeyStore(ledgerDirectory:)`), as a tenant would hold.
        let key: String
        /// The link type's `rt_` ID, once registered.
        var typeID = ""
        var prefix: String { "/v1/ledgers/" + name.text }
    }

    /// How the spread load picks ledgers, for the report.
    static let spread = "each request to a ledger drawn uniformly at random (seeded by the request's index)"

    static func run(_ options: BenchOptions, directory: String) throws(BenchError) -> LedgersResult {
        try makeDirectory(directory)
        let residentBefore = BenchSystem.residentKiB()
        var residentAllOpen: Int?
        let set = try ledgerSet(directory + "/spread")
        let width = String(options.ledgers - 1).count
        let names = (0..<options.ledgers).map { number in "t" + String(repeating: "0", count: width - String(number).count) + String(number) }
        BenchSystem.progress("ledgers phase: creating \(Format.grouped(options.ledgers)) ledgers, each with an append key, in \(set.directory)")
        var tenants = try createTenants(names, in: set)
        let headsBefore = try headSum(set, tenants)
        BenchSystem.progress("ledgers phase: \(Format.grouped(options.ledgers)) ledgers, all open, against one ledger: \(options.httpClients) clients, \(Format.grouped(options.httpRequests)) single-link commits each, in \(BenchLimits.ledgersRounds) rounds each")
        var (single, allOpen) = try withServer(set, clients: options.httpClients, maxOpen: options.ledgers) { server throws(BenchError) in
            BenchSystem.progress("ledgers phase: registering the link type in each ledger through the API (this opens them all)")
            try register(&tenants, port: server.port)
            guard server.openLedgers.count == options.ledgers else {
                throw .failed("\(server.openLedgers.count) ledgers are open after the setup, not all \(options.ledgers)")
            }
            let loads = try alternate(port: server.port, tenants: tenants, options, singleDirectory: directory + "/single")
            residentAllOpen = BenchSystem.residentKiB()
            return loads
        }
        let setupEvents = Int64(2 * tenants.count)
        let headsAfter = try headSum(set, tenants)
        check(&allOpen, headAdvance: headsAfter - headsBefore - setupEvents)
        var bounded: LedgersResult.BoundedRun?
        if options.ledgersBoundedRequests > 0 {
            BenchSystem.progress("ledgers phase: at most \(options.ledgersMaxOpen) of \(Format.grouped(options.ledgers)) ledgers open: \(Format.grouped(options.ledgersBoundedRequests)) single-link commits")
            var load = try withServer(set, clients: options.httpClients, maxOpen: options.ledgersMaxOpen) { server throws(BenchError) in
                // Indices after the first run's, so no request names a pair a ledger already holds.
                try HTTPLoad.drive(spreadLoad(port: server.port, tenants: tenants, requests: options.ledgersBoundedRequests,
                                              clients: options.httpClients, firstIndex: options.httpRequests, seed: options.seed))
            }
            check(&load, headAdvance: try headSum(set, tenants) - headsAfter)
            bounded = LedgersResult.BoundedRun(maxOpen: options.ledgersMaxOpen, load: load)
        }
        let tenantsResult = try TenantsBench.run(options, set: try ledgerSet(directory + "/tenants"))
        return LedgersResult(ledgers: options.ledgers, single: single, allOpen: allOpen, bounded: bounded, tenants: tenantsResult,
                             residentKiBBefore: residentBefore, residentKiBAllOpen: residentAllOpen)
    }

    /// The same clients and links against one ledger (a `TiesServer` of
    /// its own, no automatic snapshot, like the many ledgers) and spread
    /// over the tenants, in rounds taking turns single, many, many,
    /// single…, so that a change in the shared machine's load falls on both.
    private static func alternate(port: UInt16, tenants: [Tenant], _ options: BenchOptions,
                                  singleDirectory: String) throws(BenchError) -> (single: HTTPLoadResult, many: HTTPLoadResult) {
        let server = try HTTPLoad.startServer(singleDirectory, clients: options.httpClients, snapshotEveryCommits: Int.max)
        defer { server.stop(graceMs: BenchLimits.httpStopGraceMs) }
        let (key, typeID) = try HTTPLoad.prepare(server)
        let before = (syncs: server.service.syncCount, head: server.service.head.seq)
        let rounds = BenchLimits.ledgersRounds
        var single: [LoadRound] = []
        var many: [LoadRound] = []
        for round in 0..<rounds {
            let first = round * (options.httpRequests / rounds)
            let count = round == rounds - 1 ? options.httpRequests - first : options.httpRequests / rounds
            let one = HTTPLoad.linkLoad(port: server.port, key: key, typeID: typeID, requests: count, clients: options.httpClients, firstIndex: first)
            let spread = spreadLoad(port: port, tenants: tenants, requests: count, clients: options.httpClients, firstIndex: first, seed: options.seed)
            for load in round % 2 == 0 ? [one, spread] : [spread, one] {
                let measured = try HTTPLoad.round(load)
                if load === one { single.append(measured) } else { many.append(measured) }
            }
        }
        var result = HTTPLoad.merge(single)
        HTTPLoad.account(&result, server: server, before: before)
        return (result, HTTPLoad.merge(many))
    }

    /// Links spread over the tenants: request `index` links pair
    /// `firstIndex + index` in the ledger that index's seed draws.
    private static func spreadLoad(port: UInt16, tenants: [Tenant], requests: Int, clients: Int, firstIndex: Int, seed: UInt64) -> LoadState {
        let deadlineNs = BenchSystem.nowNs() + BenchLimits.httpRunSecondsMax(requests: requests) * 1_000_000_000
        return LoadState(port: port, requests: requests, clients: clients, deadlineNs: deadlineNs,
                         noun: "links over \(Format.grouped(tenants.count)) ledgers") { index in
            var random = SplitMix64(seed: seed).derived(UInt64(firstIndex + index))
            let tenant = tenants[random.below(tenants.count)]
            return LoadState.linkRequest(firstIndex + index, typeID: tenant.typeID, key: tenant.key, path: tenant.prefix + "/relationships")
        }
    }

    /// Every 2xx link appends one event: the ledgers' heads must have moved by as many.
    private static func check(_ result: inout HTTPLoadResult, headAdvance: Int64) {
        result.headSeqAdvance = headAdvance
        if headAdvance != Int64(result.succeeded) {
            result.errors.append(HTTPLoadError(kind: "the ledgers' heads moved by \(headAdvance) events for \(result.succeeded) 2xx links",
                                               count: 1, example: nil))
        }
    }

    /// A new, empty directory of ledgers.
    static func ledgerSet(_ directory: String) throws(BenchError) -> LedgerSet {
        try makeDirectory(directory)
        do {
            return try LedgerSet(directory: directory)
        } catch {
            throw .failed("cannot use \(directory) as a directory of ledgers: \(error)")
        }
    }

    private static func makeDirectory(_ path: String) throws(BenchError) {
        do {
            try Files.makeDirectory(path)
        } catch {
            throw .failed("cannot make the directory \(path): \(error)")
        }
    }

    /// Creates a ledger for each name, and an append key in each.
    static func createTenants(_ names: [String], in set: LedgerSet) throws(BenchError) -> [Tenant] {
        var tenants: [Tenant] = []
        for text in names {
            guard let name = LedgerName(text) else { preconditionFailure("'\(text)' is not a ledger name") }
            do {
                try set.create(name)
                let key = try KeyStore(ledgerDirectory: set.path(of: name)).create(name: "ties-bench", role: .append, now: Ledger.clock())
                tenants.append(Tenant(name: name, key: key))
            } catch {
                throw .failed("cannot create ledger \(name) in \(set.directory): \(error)")
            }
        }
        return tenants
    }

    /// Defines the object type and registers the link type in each tenant's ledger, through the server.
    static func register(_ tenants: inout [Tenant], port: UInt16) throws(BenchError) {
        for index in tenants.indices {
            tenants[index].typeID = try HTTPLoad.registerType(port: port, key: tenants[index].key, prefix: tenants[index].prefix)
        }
    }

    /// Runs `body` with a server over `set` holding at most `maxOpen`
    /// ledgers open, and stops it (every open ledger closed) before returning.
    static func withServer<T>(_ set: LedgerSet, clients: Int, maxOpen: Int, _ body: (LedgersServer) throws(BenchError) -> T) throws(BenchError) -> T {
        let fitting = (CurrentProcess.raiseOpenFileLimit() - Limits.descriptorsBesidesLedgers) / Limits.descriptorsPerOpenLedger
        guard maxOpen <= fitting else {
            throw .failed("the open-file limit (ulimit -n) leaves room for \(fitting) open ledgers, not \(maxOpen): raise it, or pass fewer --ledgers")
        }
        let server: LedgersServer
        do {
            server = try LedgersServer(directory: set.directory, configuration: HTTPLoad.configuration(clients: clients), maxOpen: maxOpen,
                                       log: HTTPLoad.serverLog())
        } catch {
            throw .failed("cannot start the ledgers server over \(set.directory): \(error)")
        }
        server.start()
        defer {
            let start = BenchSystem.nowNs()
            server.stop(graceMs: BenchLimits.httpStopGraceMs)
            BenchSystem.progress("ledgers phase: the server stopped in \(Format.fixed(Double(BenchSystem.nowNs() - start) / 1e9, 1)) s")
        }
        return try body(server)
    }

    /// The sum of the tenants' head seqs, each ledger opened for reading
    /// (no server holds them now).
    static func headSum(_ set: LedgerSet, _ tenants: [Tenant]) throws(BenchError) -> Int64 {
        var sum: Int64 = 0
        for tenant in tenants {
            do {
                sum += try Ledger.open(at: set.path(of: tenant.name), access: .read).headSeq
            } catch {
                throw .failed("cannot open ledger \(tenant.name) to read its head: \(error)")
            }
        }
        return sum
    }
}
