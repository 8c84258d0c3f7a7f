import TiesCore

/// Records' fields in the projection: the current value of each field
/// (looked up by a hash of the value), every version with its interval,
/// and erasure, which leaves field names and no values.
extension Projection {
    func applyUpsert(_ record: RecordRef, set: [String: FieldValue], unset: [String], seq: Int64) throws(LedgerError) {
        // A new record has no open versions to end.
        let (id, isNew) = try internUpserted(record, seq: seq)
        for field in unset {
            try endVersion(id, field: field, seq: seq)
            try db.statement("DELETE FROM record_fields WHERE record = ?1 AND field = ?2").bind(1, id).bind(2, field).run()
        }
        let fields = set.sorted(by: { utf8Less($0.key, $1.key) })
        if !isNew {
            for (field, _) in fields { try endVersion(id, field: field, seq: seq) }
        }
        let isIdentifier = { (field: String) in self.objectTypes[record.type]?.identifier(field) != nil }
        // One row per statement: a statement that writes several rows and
        // may fail keeps a statement journal, which spills to a temporary
        // file in a large transaction (the Performance article).
        let setCurrent = try db.statement("""
            INSERT OR REPLACE INTO record_fields (record, field, type, value, value_key, from_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        let addVersion = try db.statement("INSERT INTO record_field_versions (record, from_seq, field, to_seq, value) VALUES (?1, ?2, ?3, ?4, ?5)")
        for (field, value) in fields {
            let json = value.value?.encodedString
            setCurrent.reset()
            addVersion.reset()
            try setCurrent.bind(1, id).bind(2, field).bind(3, record.type).bind(4, json)
                .bind(5, isIdentifier(field) ? json.map(Self.valueKey) : nil).bind(6, seq).run()
            try addVersion.bind(1, id).bind(2, seq).bind(3, field).bind(4, ProjectionSchema.openEnded).bind(5, json).run()
        }
        try indexRecordEvent(id, seq: seq)
    }

    /// Ends the field's open version at `seq`.
    private func endVersion(_ record: Int64, field: String, seq: Int64) throws(LedgerError) {
        try db.statement("UPDATE record_field_versions SET to_seq = ?3 WHERE record = ?1 AND field = ?2 AND to_seq = ?4")
            .bind(1, record).bind(2, field).bind(3, seq).bind(4, ProjectionSchema.openEnded).run()
    }

    /// A field that just became an identifier: its current values get the
    /// keys lookups go by (other fields have none, which keeps the index to
    /// what is looked up).
    func indexValues(ofType type: String, field: String) throws(LedgerError) {
        let current = try db.statement("SELECT record, value FROM record_fields WHERE type = ?1 AND field = ?2 AND value IS NOT NULL")
        var rows: [(Int64, String)] = []
        current.bind(1, type).bind(2, field)
        while try current.step() { rows.append((current.int(0), current.string(1))) }
        current.reset()
        let update = try db.statement("UPDATE record_fields SET value_key = ?3 WHERE record = ?1 AND field = ?2")
        for (record, value) in rows {
            update.reset()
            try update.bind(1, record).bind(2, field).bind(3, Self.valueKey(value)).run()
        }
    }

    /// Drops every value the record's fields ever held (secure_delete
    /// zeroes the freed bytes), keeps their names and intervals, and loses
    /// the record's key.
    func applyErasure(_ record: RecordRef, seq: Int64) throws(LedgerError) {
        let id = try intern(record)
        try db.statement("UPDATE records SET erased_seq = ?2 WHERE id = ?1").bind(1, id).bind(2, seq).run()
        try db.statement("UPDATE record_fields SET value = NULL, value_key = NULL WHERE record = ?1").bind(1, id).run()
        try db.statement("UPDATE record_field_versions SET value = NULL WHERE record = ?1").bind(1, id).run()
        try indexRecordEvent(id, seq: seq)
        try recordKeys?.destroy([record])
    }

    /// The seq of the latest erasure, nil when nothing was ever erased.
    func lastErasureSeq() throws(LedgerError) -> Int64? {
        let statement = try db.statement("SELECT MAX(erased_seq) FROM records WHERE erased_seq IS NOT NULL")
        defer { statement.reset() }
        guard try statement.step(), !statement.isNull(0) else { return nil }
        return statement.int(0)
    }

    /// Every erased record (few: erasure is rare).
    func erasedRecords() throws(LedgerError) -> [RecordRef] {
        let statement = try db.statement("SELECT ref FROM records WHERE erased_seq IS NOT NULL")
        defer { statement.reset() }
        return try records(statement)
    }

    /// Checkpoints the WAL into the database and truncates it to nothing,
    /// so no frame written before an erasure survives in it.
    func truncateWAL() throws(LedgerError) {
        try db.truncateWAL(after: "an erasure")
    }

    /// What lookups go by: the first 8 bytes of SHA-256 of the value's JSON.
    static func valueKey(_ json: String) -> Int64 {
        var hasher = SHA256()
        hasher.update(json)
        return withUnsafeTemporaryAllocation(byteCount: SHA256.digestByteCount, alignment: 8) { digest in
            hasher.finalize(into: digest)
            return Int64(bigEndian: digest.loadUnaligned(as: Int64.self))
        }
    }

    // MARK: Reading records

    /// A record's fields as of `seq` (nil when it was not upserted by
    /// then), the seq of its last change up to `seq`, and whether it is
    /// erased (now: erasure reaches every point in time).
    func recordFields(_ record: RecordRef, atSeq seq: Int64) throws(LedgerError) -> RecordFields? {
        guard let id = try recordID(record) else { return nil }
        let state = try db.statement("SELECT upserted_seq, erased_seq FROM records WHERE id = ?1")
        defer { state.reset() }
        state.bind(1, id)
        guard try state.step(), !state.isNull(0), state.int(0) <= seq else { return nil }
        let upsertedSeq = state.int(0)
        let erasedSeq = state.isNull(1) ? nil : state.int(1)
        let versions = try db.statement("""
            SELECT field, value, from_seq, to_seq FROM record_field_versions WHERE record = ?1 AND from_seq <= ?2
            """)
        defer { versions.reset() }
        versions.bind(1, id).bind(2, seq)
        var fields: [String: FieldValue] = [:]
        var since = upsertedSeq
        while try versions.step() {
            let toSeq = versions.int(3)
            since = max(since, versions.int(2), toSeq <= seq ? toSeq : 0)
            guard toSeq > seq else { continue }
            fields[versions.string(0)] = FieldValue(value: versions.isNull(1) ? nil : try Self.value(versions.bytes(1)))
        }
        if let erasedSeq, erasedSeq <= seq { since = max(since, erasedSeq) }
        return RecordFields(record: record, fields: fields, since: since, erasedSeq: erasedSeq)
    }

    /// Every upserted record with its current fields, in `ref` order (exports).
    func forEachRecord(_ body: (RecordFields) throws(LedgerError) -> Bool) throws(LedgerError) {
        let records = try db.statement("SELECT ref FROM records WHERE upserted_seq IS NOT NULL ORDER BY ref")
        defer { records.reset() }
        while try records.step() {
            guard let record = RecordRef(parsing: records.string(0)) else {
                throw LedgerError(.ledgerDamaged, "the projection holds a malformed record")
            }
            // Its own statement: the fields are read while the record list is open.
            guard let fields = try recordFields(record, atSeq: head.seq), try body(fields) else { return }
        }
    }

    static func value(_ json: [UInt8]) throws(LedgerError) -> JSONValue {
        guard let value = try? JSONParser.parse(json) else {
            throw LedgerError(.ledgerDamaged, "the projection holds a record field value that is not JSON")
        }
        return value
    }

    /// Records of `type` whose `field` now holds `value`, in `ref` order:
    /// through the index for an identifier; for a field that is becoming one
    /// in the commit being decided (not yet in this projection), by a scan.
    func records(ofType type: String, field: String, holding value: JSONValue, limit: Int) throws(LedgerError) -> [RecordRef] {
        let json = value.encodedString
        guard objectTypes[type]?.identifier(field) != nil else {
            let statement = try db.statement("""
                SELECT r.ref FROM record_fields f JOIN records r ON r.id = f.record
                WHERE f.type = ?1 AND f.field = ?2 AND f.value = ?3 ORDER BY r.ref LIMIT ?4
                """)
            defer { statement.reset() }
            statement.bind(1, type).bind(2, field).bind(3, json).bind(4, Int64(limit))
            return try records(statement)
        }
        // Most values are held by a record or two (every upsert of a unique
        // identifier asks): read unordered, they are sorted here, sparing the
        // temporary B-tree SQLite opens for ORDER BY on every run. Only a
        // value held by more than `limit` records needs SQLite to pick the first ones.
        let valueKey = Self.valueKey(json)
        let few = try records(Self.holdersUnordered, type: type, field: field, valueKey: valueKey, json: json, limit: limit + 1)
        guard few.count > limit else { return few.sorted() }
        return try records(Self.holdersInOrder, type: type, field: field, valueKey: valueKey, json: json, limit: limit)
    }

    private static let holdersByKey = """
        SELECT r.ref FROM record_fields f JOIN records r ON r.id = f.record
        WHERE f.type = ?1 AND f.field = ?2 AND f.value_key = ?3 AND f.value = ?4
        """
    private static let holdersUnordered = holdersByKey + " LIMIT ?5"
    private static let holdersInOrder = holdersByKey + " ORDER BY r.ref LIMIT ?5"

    private func records(_ select: String, type: String, field: String, valueKey: Int64, json: String, limit: Int) throws(LedgerError) -> [RecordRef] {
        let statement = try db.statement(select)
        defer { statement.reset() }
        statement.bind(1, type).bind(2, field).bind(3, valueKey).bind(4, json).bind(5, Int64(limit))
        return try records(statement)
    }

    /// Asked only when an identifier is made unique (rare): it scans the
    /// type's values of the field, grouped.
    func recordsSharingValues(ofType type: String, field: String, limit: Int) throws(LedgerError) -> [RecordRef] {
        let statement = try db.statement("""
            SELECT r.ref FROM record_fields f JOIN records r ON r.id = f.record
            WHERE f.type = ?1 AND f.field = ?2 AND f.value IN (
                SELECT value FROM record_fields WHERE type = ?1 AND field = ?2 AND value IS NOT NULL GROUP BY value HAVING COUNT(*) > 1)
            ORDER BY r.ref LIMIT ?3
            """)
        defer { statement.reset() }
        statement.bind(1, type).bind(2, field).bind(3, Int64(limit))
        return try records(statement)
    }

    func records(_ statement: SQLiteStatement) throws(LedgerError) -> [RecordRef] {
        var result: [RecordRef] = []
        while try statement.step() {
            guard let record = RecordRef(parsing: statement.string(0)) else {
                throw LedgerError(.ledgerDamaged, "the projection holds a malformed record")
            }
            result.append(record)
        }
        return result
    }
}
