import TiesCore

/// The per-record keys that seal record field values in the log
/// (FieldCipher), kept in `record-keys.sqlite` beside it. Unlike the
/// projection this is not derived data: it is part of a ledger's backup.
/// Erasing a record deletes its key, and with it every value the record's
/// fields ever held (see the Records article).
///
/// Rollback journal (not WAL) with `secure_delete`, and a full sync on
/// every commit: a deleted key is overwritten in the file and no copy of
/// it outlives the transaction that deleted it; a stored key is durable
/// before the commit that uses it is appended.
final class RecordKeys {
    private let db: SQLiteConnection
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
            try db.execute("PRAGMA journal_mode=DELETE")
            try db.execute("PRAGMA synchronous=FULL")
            try db.execute("CREATE TABLE IF NOT EXISTS record_keys (record TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID")
            // Its name in the directory is as durable as its contents.
            if isNew { try layout.fileSystem.fsyncDirectory(layout.directory) }
        }
        return RecordKeys(db: db, isWritable: writable)
    }

    /// The record's key, nil when it has none (never sealed a value, or erased).
    func key(for record: RecordRef) throws(LedgerError) -> [UInt8]? {
        let statement = try db.statement("SELECT key FROM record_keys WHERE record = ?1")
        defer { statement.reset() }
        statement.bind(1, record.description)
        guard try statement.step() else { return nil }
        return statement.bytes(0)
    }

    /// Stores new keys durably, in one transaction.
    func store(_ keys: [RecordRef: [UInt8]]) throws(LedgerError) {
        guard !keys.isEmpty else { return }
        try db.transaction { () throws(LedgerError) in
            let insert = try db.statement("INSERT INTO record_keys (record, key) VALUES (?1, ?2)")
            for (record, key) in keys.sorted(by: { $0.key < $1.key }) {
                insert.reset()
                try insert.bind(1, record.description).bind(2, bytes: key[...]).run()
            }
        }
    }

    /// Deletes the record's key durably (nothing to do when it has none,
    /// or for a read-only store).
    func destroy(_ record: RecordRef) throws(LedgerError) {
        guard isWritable else { return }
        try db.statement("DELETE FROM record_keys WHERE record = ?1").bind(1, record.description).run()
    }

    /// Record field values with the sealed ones opened (left nil when the
    /// record's key is gone, or does not open the value: erased).
    func opened(_ set: [String: FieldValue], of record: RecordRef) throws(LedgerError) -> [String: FieldValue] {
        guard set.values.contains(where: { $0.value == nil }), let key = try self.key(for: record) else { return set }
        var opened = set
        for (field, value) in set where value.value == nil {
            if let sealed = value.sealed { opened[field]?.value = FieldCipher.open(sealed, record: record, field: field, key: key) }
        }
        return opened
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
