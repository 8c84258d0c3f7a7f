import Synchronization
import TiesCore
import TiesStore

/// Each ledger's own keys (its `keys.json`), one cached store per name for
/// the server's life: the same store screens a request before the ledger
/// is opened and serves the ledger's API once it is, so each edit of the
/// file is read once.
final class LedgerKeyStores: Sendable {
    private let ledgers: LedgerSet
    private let stores = Mutex<[LedgerName: KeyStore]>([:])

    init(ledgers: LedgerSet) {
        self.ledgers = ledgers
    }

    func store(of name: LedgerName) -> KeyStore {
        stores.withLock { stores in
            if let store = stores[name] { return store }
            let store = KeyStore(ledgerDirectory: ledgers.path(of: name))
            stores[name] = store
            return store
        }
    }

    /// Drops a retired ledger's store: a ledger created later under the name starts afresh.
    func forget(_ name: LedgerName) {
        stores.withLock { $0[name] = nil }
    }
}
