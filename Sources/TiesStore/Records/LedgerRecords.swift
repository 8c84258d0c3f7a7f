import TiesCore
import TiesSystem

/// Records on the write path (sealing field values, erasure) and their
/// queries (see the Records article).
extension Ledger {
    /// Seals the field values of decided `record.upserted` events with
    /// each record's key, making a key for a record that has none yet
    /// (kept in `newKeys` until it is stored, before the append).
    func sealFields(_ events: [Event], newKeys: inout [RecordRef: [UInt8]]) throws(LedgerError) -> [Event] {
        var sealed = events
        var random = SystemRandomNumberGenerator()
        for (index, event) in events.enumerated() {
            guard case .recordUpserted(let record, let set, let unset) = event, !set.isEmpty else { continue }
            guard let recordKeys, recordKeys.isWritable else {
                throw LedgerError(.ledgerReadOnly, "record fields are sealed by the writer; open the ledger for writing")
            }
            let key: [UInt8]
            if let made = newKeys[record] {
                key = made
            } else if let stored = try recordKeys.key(for: record) {
                key = stored
            } else {
                key = Self.randomBytes(FieldCipher.keyByteCount, &random)
                newKeys[record] = key
            }
            let values = set.map { field, value -> (String, FieldValue) in
                guard let plain = value.value else { preconditionFailure("a decided record field without its value") }
                let nonce = Self.randomBytes(FieldCipher.nonceByteCount, &random)
                return (field, FieldValue(value: plain, sealed: FieldCipher.seal(plain, record: record, field: field, key: key, nonce: nonce)))
            }
            sealed[index] = .recordUpserted(record, set: Dictionary(uniqueKeysWithValues: values), unset: unset)
        }
        return sealed
    }

    /// Cryptographically secure: the standard library's system generator
    /// reads the kernel's (getrandom on Linux).
    private static func randomBytes(_ count: Int, _ random: inout SystemRandomNumberGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &random) }
    }

    /// After erasures were applied: loses the erased records' keys, then
    /// removes what still holds their values outside the log.
    func purgeErased(_ records: [RecordRef]) throws(LedgerError) {
        for record in records { try recordKeys?.destroy(record) }
        try projection.flush()
        try removeCopiesOfErasedValues()
    }

    /// Removes the snapshots taken before the latest erasure (they hold its
    /// values) and empties the projection's WAL (whose frames may too).
    /// Run after every erasure and whenever the writer opens the ledger,
    /// so a crash between an erasure and this step is made good.
    func removeCopiesOfErasedValues() throws(LedgerError) {
        guard let erasedSeq = try projection.lastErasureSeq() else { return }
        backgroundSnapshots?.waitUntilIdle(timeoutMs: Limits.snapshotWaitMs)
        let older = try SnapshotStore(layout: layout).files().filter { $0.seq < erasedSeq }
        if !older.isEmpty {
            for file in older { try layout.fileSystem.unlink(file.path) }
            try layout.fileSystem.fsyncDirectory(layout.snapshots)
            warn("removed \(older.count) snapshot(s) taken before an erasure (they held the erased values); the next one is taken as usual")
        }
        do throws(LedgerError) {
            try projection.truncateWAL()
        } catch {
            // Readers held the WAL: its frames are overwritten as it is reused, and emptied at the next open.
            warn(error.message)
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
