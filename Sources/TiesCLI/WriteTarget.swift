import TiesCore
import TiesStore

/// Where a CLI write goes: into the ledger, opened for writing, or, while
/// `ties serve` holds the ledger, to that server through its write socket,
/// so that its writer commits it (the Commands article, "While a server
/// runs"). The answers and exit codes are the same either way.
final class WriteTarget {
    private enum Destination {
        case ledger(Ledger)
        case server(WriteSocketClient)
    }

    private let destination: Destination
    private let context: Context
    private var openedReader: Ledger?

    /// A server that listens on the ledger's socket takes the write; with
    /// none, the ledger is opened for writing here (`ledger_busy` if another
    /// command holds it).
    init(_ context: Context) throws {
        self.context = context
        if let client = try WriteSocketClient.connect(LedgerLayout(directory: context.ledgerDirectory)) {
            destination = .server(client)
        } else {
            destination = .ledger(try context.openLedger(.write))
        }
    }

    /// The ledger to read what a write needs first (the catalog, a
    /// restore's past): the writer itself, or a reader beside the server.
    func reader() throws -> Ledger {
        switch destination {
        case .ledger(let ledger):
            return ledger
        case .server:
            if let openedReader { return openedReader }
            let reader = try context.openLedger(.read)
            openedReader = reader
            return reader
        }
    }

    func commit(_ request: CommitRequest) throws(LedgerError) -> CommitReceipt {
        switch destination {
        case .ledger(let ledger): return try ledger.commitGroup([request])[0].get()
        case .server(let client): return try client.commit(request)
        }
    }

    /// Streams an import into commits: in the ledger's bulk mode when it is
    /// written here; through the server's writer otherwise.
    func importLines(_ reader: LineReader, options: ImportOptions, onCommit: (ImportTotals) -> Void) throws(ImportFailure) -> ImportTotals {
        switch destination {
        case .ledger(let ledger):
            return try Importer.run(reader, into: ledger, options: options, onCommit: onCommit)
        case .server(let client):
            return try Importer.run(reader, options: options, commit: client.commit, onCommit: onCommit)
        }
    }
}
