import TiesCore
import TiesSystem

/// Records on the write path (sealing field values, erasure) and their
/// queries (see the Records article).
extension Ledger {
    /// Seals the field values of decided `record.upserted` events with
    /// each record's key, making a key for a record that has none yet
    /// (kept in `newKeys` until it is stored, before the append). The
    /// randomness for the commit is read from the kernel in one go.
    /// `created`: records the decider found in neither the projection nor
    /// the group, so no upsert in the log sealed a value for them: each
    /// gets a new key without asking the key store, where a key left by an
    /// append that failed is all there can be (`RecordKeys.store` replaces it).
    func sealFields(_ events: [Event], created: Set<RecordRef>, newKeys: inout [RecordRef: [UInt8]]) throws(LedgerError) -> [Event] {
        let valueCount = events.reduce(0) { count, event in
            guard case .recordUpserted(_, let set, _) = event else { return count }
            return count + set.count
        }
        guard valueCount > 0 else { return events }
        guard let recordKeys, recordKeys.isWritable else {
            throw LedgerError(.ledgerReadOnly, "record fields are sealed by the writer; open the ledger for writing")
        }
        var random = RandomBytes(try Self.entropy(valueCount * (FieldCipher.nonceByteCount + FieldCipher.keyByteCount)))
        // Keys and nonces here, in event order; the HMAC work in FieldSealing.
        var jobs: [FieldSealing.Job] = []
        for (index, event) in events.enumerated() {
            guard case .recordUpserted(let record, let set, let unset) = event, !set.isEmpty else { continue }
            let key: [UInt8]
            if let made = newKeys[record] {
                key = made
            } else if !created.contains(record), case .key(let stored) = try recordKeys.key(for: record) {
                guard stored.count == FieldCipher.keyByteCount else { throw Self.wrongKeySize(stored, of: record) }
                key = stored
            } else {
                key = Array(random.take(FieldCipher.keyByteCount))
                newKeys[record] = key
            }
            let fields = set.map { field, value in
                guard let plain = value.value else { preconditionFailure("a decided record field without its value") }
                return (name: field, value: plain, nonce: random.take(FieldCipher.nonceByteCount))
            }
            jobs.append(FieldSealing.Job(index: index, record: record, key: key, fields: fields, unset: unset))
        }
        return FieldSealing.seal(jobs, into: events)
    }

    static func cipherKeys(_ key: [UInt8], of record: RecordRef) throws(LedgerError) -> FieldCipher.Keys {
        guard let keys = FieldCipher.Keys(key) else { throw wrongKeySize(key, of: record) }
        return keys
    }

    private static func wrongKeySize(_ key: [UInt8], of record: RecordRef) -> LedgerError {
        LedgerError(.ledgerDamaged, "record-keys.sqlite holds a key of \(key.count) bytes for \(record); keys are \(FieldCipher.keyByteCount)")
    }

    private static func entropy(_ count: Int) throws(LedgerError) -> [UInt8] {
        do {
            return try Entropy.bytes(count)
        } catch {
            throw LedgerError(.ioError, "cannot read random bytes to seal record fields: \(error)")
        }
    }

    /// Removes what still holds erased values outside the log: the keys of
    /// erased records (again: a crash may have come between the erasure and
    /// its key's tombstone), the snapshots taken before the latest erasure,
    /// files a crash left behind (unfinished snapshots, a projection being
    /// built, scratch replays of dead processes), copies of old rows in the
    /// projection's pages (it is rewritten once per erasure), and the
    /// frames of the projection's and the key store's WALs. Run after every erasure and
    /// whenever the writer opens the ledger, so what a crash interrupted is
    /// made good.
    /// `keyStoreWALEmptied`: the caller has just written the tombstones and
    /// emptied the key store's WAL (a commit that erases).
    func removeCopiesOfErasedValues(keyStoreWALEmptied: Bool = false) throws(LedgerError) {
        guard let erasedSeq = try projection.lastErasureSeq() else { return }
        if !keyStoreWALEmptied {
            try recordKeys?.destroy(try projection.erasedRecords())
            emptyKeyStoreWAL()
        }
        backgroundSnapshots?.waitUntilIdle(timeoutMs: Limits.snapshotWaitMs)
        let store = SnapshotStore(layout: layout)
        let older = try store.files().filter { $0.seq < erasedSeq }
        if !older.isEmpty {
            for file in older { try layout.fileSystem.unlink(file.path) }
            try layout.fileSystem.fsyncDirectory(layout.snapshots)
            warn("removed \(older.count) snapshot(s) taken before an erasure (they held the erased values); the next one is taken as usual")
        }
        try removeLeftovers()
        do throws(LedgerError) {
            try projection.rewriteAfterErasure(through: erasedSeq)
        } catch {
            // The erasure stands (its key is gone); only stray copies in unused page space remain, until a rewrite gets through.
            warn("the projection could not be rewritten after the erasure at seq \(erasedSeq) (\(error.message)); copies of erased values may remain in its pages' unused space until it is: the writer's next open tries again")
        }
        emptyWAL(of: layout.projection, by: projection.truncateWAL)
    }

    /// Copies the key store's WAL, tombstones included, into its file and
    /// empties it, so no frame keeps an erased key: right after the
    /// tombstones are written, before anything else can fail. Readers
    /// holding the WAL delay it to the next erasure or writer open.
    func emptyKeyStoreWAL() {
        emptyWAL(of: layout.recordKeys) { () throws(LedgerError) in try self.recordKeys?.truncateWAL() }
    }

    /// Empties the WAL of `database` by `truncate`, then syncs the empty
    /// file (SQLite does not: a power loss could bring its frames back).
    /// Readers holding the WAL make it a warning: its frames are
    /// overwritten as it is reused, and it is emptied at the next open.
    private func emptyWAL(of database: String, by truncate: () throws(LedgerError) -> Void) {
        do throws(LedgerError) {
            try truncate()
            let wal = database + "-wal"
            if layout.fileSystem.exists(wal) { try layout.fileSystem.fsync(path: wal) }
        } catch {
            warn(error.message)
        }
    }

    /// Files only a crash leaves: an unfinished snapshot (while no snapshot
    /// of this writer runs), a projection build, replays of dead processes.
    private func removeLeftovers() throws(LedgerError) {
        let fileSystem = layout.fileSystem
        if fileSystem.isDirectory(layout.snapshots) {
            for name in try fileSystem.listDirectory(layout.snapshots) where name.hasPrefix("taking-") && name.hasSuffix(".tmp") {
                try fileSystem.unlink(layout.snapshots + "/" + name)
            }
        }
        for file in layout.projectionBeingBuiltFiles { try fileSystem.unlink(file) }
        for name in try fileSystem.listDirectory(layout.directory) {
            guard let pid = ScratchProjection.owner(ofFileNamed: name), !CurrentProcess.isRunning(pid) else { continue }
            try fileSystem.unlink(layout.directory + "/" + name)
        }
    }

    // MARK: Queries

    /// A record's fields now, or as of a seq or time; `record_not_found`
    /// when it was not upserted by then.
    public func record(_ record: RecordRef, asOf point: AsOf? = nil) throws(LedgerError) -> RecordFields {
        _ = try ObjectTypeRules.requireType(record.type, field: "type", in: projection)
        let seq = try point.map { (p: AsOf) throws(LedgerError) in try projection.resolve(p).seq } ?? projection.head.seq
        guard let fields = try projection.recordFields(record, atSeq: seq) else {
            throw LedgerError(.recordNotFound, "\(record) was \(point == nil ? "never upserted" : "not upserted as of seq \(seq)")",
                              details: ["record": .string(record.description)])
        }
        return fields
    }

    /// The records of `type` whose identifier `field` holds `value` now
    /// (at most `Limits.matchCandidatesMax + 1`, so a caller can tell "more").
    public func findRecords(ofType type: String, field: String, value: JSONValue) throws(LedgerError) -> [RecordFields] {
        let objectType = try ObjectTypeRules.requireType(type, field: "type", in: projection)
        try RecordRules.requireIdentifier(field, of: objectType, field: "field")
        var found: [RecordFields] = []
        for record in try projection.records(ofType: type, field: field, holding: value, limit: Limits.matchCandidatesMax + 1) {
            if let fields = try projection.recordFields(record, atSeq: projection.head.seq) { found.append(fields) }
        }
        return found
    }
}
