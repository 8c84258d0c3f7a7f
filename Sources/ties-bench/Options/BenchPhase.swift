import TiesTestSupport

/// The parts of a run, for `--phases`.
enum BenchPhase: String, CaseIterable, Comparable {
    /// Generation, the durable import, and the SQLite floor it is compared with.
    case `import`
    /// Query latency at 100k events and at N (needs the import).
    case queries
    /// Reopening the imported ledger (needs the import).
    case reopen
    /// Audit searches, diffs and link stories on the imported ledger (needs the import).
    case audit
    /// The HTTP server under keep-alive clients, on a ledger of its own.
    case http
    /// CLI writes handed to a running server against HTTP writes, one at a time.
    case cli
    /// Many ledgers under one server (`ties serve --ledgers`): spread
    /// commits against one ledger's, and a quiet tenant beside an importing one.
    case ledgers

    static func < (a: BenchPhase, b: BenchPhase) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
