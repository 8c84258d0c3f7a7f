import TiesCore

/// The per-record keys that seal record field values in the log
/// (FieldCipher), kept in `record-keys.sqlite` beside it. Unlike the
/// projection this is not derived data: it is part of a ledger's backup.
/// Erasing a record overwrites its key with a tombstone, which makes
/// every value the record's fields ever held unreadable (see the Records
/// article).
///
/// WAL with `synchronous=FULL` and `secure_delete`: a commit's new keys
/// cost one sync of the WAL (a rollback journal took five: journal, file,
/// directory), and a stored key is durable before the commit that uses it
/// is appended. An erased key is overwritten by an empty one (a tombstone,
/// which says "erased" rather than "lost"); `truncateWAL` then copies that
/// into the file and empties the WAL, so no frame keeps the old key.
final class RecordKeys {
    private let db: SQLiteConnection
    /// Records whose sealed values met no key and no tombstone: a key store
    /// older than the log (restored from another backup). Bounded.
    private(set) var recordsWithoutKeys: Set<RecordRef> = []
    /// Only the writer's store changes: readers and replays into scratch
    /// projections (verify, export) read keys and never lose one.
    let isWritable: Bool

    private init(db: SQLiteConnection, isWritable: Bool) {
        self.db = db
        self.isWritable = isWritable
    }

    /// Opens the ledger's key store; `writable` creates it when missing.
    /// A reader of a ledger that never had a writer since records came in
    /// gets nil: there are no keys to read.
    static func open(_ layout: LedgerLayout, writable: Bool) throws(LedgerError) -> RecordKeys? {
        let path = layout.recordKeys
        let isNew = !layout.fileSystem.exists(path)
        guard writable || !isNew else { return nil }
        let db = try SQLiteConnection(path: path, readOnly: !writable)
        try db.execute("PRAGMA secure_delete=ON")
        if writable {
            // Keys go in at random places (by record): small pages make each
            // insert rewrite 1 KiB rather than 4. Only a new file takes it.
            if isNew { try db.execute("PRAGMA page_size=\(Limits.recordKeysPageBytes)") }
            try db.execute("PRAGMA journal_mode=WAL")
            try db.execute("PRAGMA synchronous=FULL")
            try db.execute("PRAGMA wal_autocheckpoint=\(Limits.recordKeysCheckpointPages)")
            try db.execute("PRAGMA journal_size_limit=\(Limits.recordKeysWALBytesKept)")
            try db.execute("CREATE TABLE IF NOT EXISTS record_keys (record TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID")
            // Its name in the directory is as durable as its contents.
            if isNew { try layout.fileSystem.fsyncDirectory(layout.directory) }
        }
        return RecordKeys(db: db, isWritable: writable)
    }

    enum StoredKey: Equatable {
        case key([UInt8])
        /// The record was erased: its key is gone for good.
        case erased
        /// No key was ever stored for it (it never sealed a value here).
        case missing
    }

    func key(for record: RecordRef) throws(LedgerError) -> StoredKey {
        let statement = try db.statement("SELECT key FROM record_keys WHERE record = ?1")
        defer { statement.reset() }
        statement.bind(1, record.description)
        guard try statement.step() else { return .missing }
        let key = statement.bytes(0)
        return key.isEmpty ? .erased : .key(key)
    }

    /// Stores new keys durably, in one transaction. A key already stored
    /// for one of the records sealed nothing in the log (an append that
    /// failed after its keys were stored; `Ledger.sealFields`): it is
    /// replaced. A tombstone never is: meeting one, the store and the log
    /// are from different times, and nothing is stored.
    func store(_ keys: [RecordRef: [UInt8]]) throws(LedgerError) {
        guard !keys.isEmpty else { return }
        try db.transaction { () throws(LedgerError) in
            let insert = try db.statement("""
                INSERT INTO record_keys (record, key) VALUES (?1, ?2)
                ON CONFLICT (record) DO UPDATE SET key = excluded.key WHERE record_keys.key <> x''
                """)
            for (record, key) in keys.sorted(by: { $0.key < $1.key }) {
                insert.reset()
                try insert.bind(1, record.description).bind(2, bytes: key[...]).run()
                guard db.changes == 1 else {
                    throw LedgerError(.ledgerDamaged, "record-keys.sqlite holds a tombstone for \(record), which the log does not hold as erased: restore record-keys.sqlite from the same backup as the log",
                                      details: ["record": .string(record.description)])
                }
            }
        }
    }

    /// Replaces the records' keys by tombstones, durably, in one
    /// transaction, and only where a key is still there: at every writer
    /// open this usually writes nothing (a read-only store leaves it to the
    /// writer).
    func destroy(_ records: [RecordRef]) throws(LedgerError) {
        guard isWritable else { return }
        var live: [RecordRef] = []
        for record in records where try key(for: record) != .erased { live.append(record) }
        guard !live.isEmpty else { return }
        try db.transaction { () throws(LedgerError) in
            let tombstone = try db.statement("INSERT OR REPLACE INTO record_keys (record, key) VALUES (?1, x'')")
            for record in live {
                tombstone.reset()
                try tombstone.bind(1, record.description).run()
            }
        }
    }

    /// Closes the connection: the last one to close (the writer, once its
    /// readers have) checkpoints the WAL into the file and removes it.
    func close() { db.close() }

    /// Copies the WAL into the file and empties it, so that no frame
    /// written before a tombstone still holds the key it replaced.
    func truncateWAL() throws(LedgerError) {
        guard isWritable else { return }
        try db.truncateWAL(after: "an erasure")
    }

    /// Record field values with the sealed ones opened: left nil when the
    /// record is erased (a tombstone) or has no key here (remembered for a
    /// warning); a key that does not open a value is damage.
    func opened(_ set: [String: FieldValue], of record: RecordRef) throws(LedgerError) -> [String: FieldValue] {
        guard set.values.contains(where: { $0.value == nil }) else { return set }
        let keys: FieldCipher.Keys
        switch try key(for: record) {
        case .erased:
            return set
        case .missing:
            if recordsWithoutKeys.count < Limits.matchCandidatesMax { recordsWithoutKeys.insert(record) }
            return set
        case .key(let key):
            keys = try Ledger.cipherKeys(key, of: record)
        }
        var opened = set
        for (field, value) in set where value.value == nil {
            guard let sealed = value.sealed else { continue }
            guard let plain = FieldCipher.open(sealed, record: record, field: field, keys: keys) else {
                throw LedgerError(.ledgerDamaged, "a sealed value of \(record) field '\(field)' does not open with the record's key: record-keys.sqlite does not belong to this log, or one of them was changed")
            }
            opened[field]?.value = plain
        }
        return opened
    }

    /// Says which records' values could not be read for want of a key.
    func warnAboutMissingKeys(_ warn: (String) -> Void) {
        guard let first = recordsWithoutKeys.sorted().first else { return }
        warn("""
            record-keys.sqlite holds no key for \(first)\(recordsWithoutKeys.count > 1 ? " and other records" : ""): their field values cannot be \
            read. Restore record-keys.sqlite from the same backup as the log.
            """)
        recordsWithoutKeys.removeAll()
    }
}

extension Optional<RecordKeys> {
    /// Opens what a key store can open; without one nothing can be.
    func opened(_ set: [String: FieldValue], of record: RecordRef) throws(LedgerError) -> [String: FieldValue] {
        guard let keys = self else { return set }
        return try keys.opened(set, of: record)
    }

    /// The event with its record field values opened.
    func opened(_ event: Event) throws(LedgerError) -> Event {
        guard case .recordUpserted(let record, let set, let unset) = event else { return event }
        return .recordUpserted(record, set: try opened(set, of: record), unset: unset)
    }
}
