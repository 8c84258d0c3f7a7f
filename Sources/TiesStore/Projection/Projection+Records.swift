import TiesCore

/// Records' fields in the projection: each upsert that changed something
/// keeps the record's whole set of fields as of its seq (one row), so the
/// current fields and the fields as of any seq are one row each; who holds
/// each current identifier value is also kept apart, by a hash of the
/// value, where lookups find the holders. Erasure leaves field names and
/// no values.
extension Projection {
    func applyUpsert(_ record: RecordRef, set: [String: FieldValue], unset: [String], seq: Int64) throws(LedgerError) {
        let (id, isFirstUpsert) = try internUpserted(record, seq: seq)
        try indexRecordEvent(id, seq: seq)
        // A record created with no fields has no version yet: its fields are none.
        guard !set.isEmpty || !unset.isEmpty else { return }
        let before = isFirstUpsert ? [:] : try currentFields(of: id)
        var fields = before
        for field in unset { fields[field] = nil }
        fields.merge(set) { _, new in new }
        try db.statement("INSERT INTO record_versions (record, seq, fields) VALUES (?1, ?2, ?3)")
            .bind(1, id).bind(2, seq).bind(3, StoredFields.encode(fields)).run()
        let held = identifierValues(of: record.type, in: before)
        let holding = identifierValues(of: record.type, in: fields)
        for value in held where !holding.contains(where: value.isSame) { try setIdentifierValue(value, of: id, type: record.type, held: false) }
        for value in holding where !held.contains(where: value.isSame) { try setIdentifierValue(value, of: id, type: record.type, held: true) }
    }

    /// The record's fields now: its last version's (none before its first change).
    private func currentFields(of record: Int64) throws(LedgerError) -> [String: FieldValue] {
        let statement = try db.statement(Self.lastVersion)
        defer { statement.reset() }
        statement.bind(1, record).bind(2, Int64.max)
        guard try statement.step() else { return [:] }
        return try StoredFields.decode(statement.bytes(1))
    }

    /// A record's last version up to `?2`: its seq and its fields.
    private static let lastVersion = "SELECT seq, fields FROM record_versions WHERE record = ?1 AND seq <= ?2 ORDER BY seq DESC LIMIT 1"

    /// One readable value of an identifier field: a row of `record_fields`.
    private struct IdentifierValue {
        let field: String
        let json: String

        /// Byte for byte, as the rows are keyed (`String`'s `==` would
        /// take "é" as one scalar and as "e" + U+0301 for the same value).
        func isSame(_ other: IdentifierValue) -> Bool {
            field.utf8.elementsEqual(other.field.utf8) && json.utf8.elementsEqual(other.json.utf8)
        }
    }

    /// The rows of `record_fields` a record of `type` with these fields
    /// has: its identifier fields (named byte for byte, as the decider's
    /// overlay finds them) whose values can be read.
    private func identifierValues(of type: String, in fields: [String: FieldValue]) -> [IdentifierValue] {
        guard let objectType = objectTypes[type], !objectType.identifiers.isEmpty else { return [] }
        return fields.compactMap { field, value in
            guard objectType.identifier(field) != nil, let plain = value.value else { return nil }
            return IdentifierValue(field: field, json: plain.encodedString)
        }
    }

    /// Enters the record as a holder of `value` (`held`), or takes it out.
    private func setIdentifierValue(_ value: IdentifierValue, of record: Int64, type: String, held: Bool) throws(LedgerError) {
        try db.statement(held ? "INSERT OR IGNORE INTO record_fields (type, field, value_key, record) VALUES (?1, ?2, ?3, ?4)"
                              : "DELETE FROM record_fields WHERE type = ?1 AND field = ?2 AND value_key = ?3 AND record = ?4")
            .bind(1, type).bind(2, value.field).bind(3, Self.valueKey(value.json)).bind(4, record).run()
    }

    /// A type that just gained identifiers (`objectTypes` has them): the
    /// holders of its records' current identifier values are entered where
    /// lookups find them; those already there stay as they are.
    func indexValues(ofType type: String) throws(LedgerError) {
        var values: [(Int64, IdentifierValue)] = []
        try forEachCurrentFields(ofType: type) { id, _, fields in
            values += identifierValues(of: type, in: fields).map { (id, $0) }
        }
        for (id, value) in values { try setIdentifierValue(value, of: id, type: type, held: true) }
    }

    /// Every upserted record of `type`, with its current fields, in `ref`
    /// order: a scan, for what only a change of the type's identifiers asks.
    private func forEachCurrentFields(ofType type: String, _ body: (Int64, RecordRef, [String: FieldValue]) throws(LedgerError) -> Void) throws(LedgerError) {
        // Every ref of the type lies in ["type:", "type;"): ';' follows ':'.
        let statement = try db.statement("""
            SELECT r.id, r.ref, \(ProjectionSchema.currentFields())
            FROM records r WHERE r.ref >= ?1 AND r.ref < ?2 AND r.upserted_seq IS NOT NULL ORDER BY r.ref
            """)
        defer { statement.reset() }
        statement.bind(1, type + ":").bind(2, type + ";")
        while try statement.step() {
            guard let record = RecordRef(parsing: statement.string(1)) else {
                throw LedgerError(.ledgerDamaged, "the projection holds a malformed record")
            }
            try body(statement.int(0), record, statement.isNull(2) ? [:] : try StoredFields.decode(statement.bytes(2)))
        }
    }

    /// Drops every value the record's fields ever held (secure_delete
    /// zeroes the freed bytes), keeps their names and versions, and loses
    /// the record's key.
    func applyErasure(_ record: RecordRef, seq: Int64) throws(LedgerError) {
        let id = try intern(record)
        try db.statement("UPDATE records SET erased_seq = ?2 WHERE id = ?1").bind(1, id).bind(2, seq).run()
        for value in identifierValues(of: record.type, in: try currentFields(of: id)) {
            try setIdentifierValue(value, of: id, type: record.type, held: false)
        }
        let versions = try db.statement("SELECT seq, fields FROM record_versions WHERE record = ?1")
        var erased: [(Int64, String)] = []
        versions.bind(1, id)
        while try versions.step() {
            erased.append((versions.int(0), StoredFields.encode(try StoredFields.decode(versions.bytes(1)).mapValues { _ in FieldValue(value: nil) })))
        }
        versions.reset()
        let update = try db.statement("UPDATE record_versions SET fields = ?3 WHERE record = ?1 AND seq = ?2")
        for (versionSeq, fields) in erased {
            update.reset()
            try update.bind(1, id).bind(2, versionSeq).bind(3, fields).run()
        }
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

    /// Rewrites the whole file from its rows (`VACUUM`) once after an
    /// erasure, unless that was done already (`through`: the last erasure's
    /// seq). Deleting or rewriting a row zeroes its bytes (secure_delete),
    /// but a B-tree page rebuilt when it split or merged can keep bytes of
    /// rows it held before in its unused space, and such a copy outlives
    /// the row: only pages written anew from the rows as they are now hold
    /// no erased value. Its time grows with the projection (the
    /// Performance article), and it needs about twice its size on disk: a
    /// temporary copy (SQLite's temporary directory), then the WAL, which
    /// holds every page until it is emptied. The transaction is SQLite's
    /// own: a failure leaves the file as it was.
    func rewriteAfterErasure(through seq: Int64) throws(LedgerError) {
        if let done = try meta(MetaKey.rewrittenAfterErasure).flatMap({ Int64($0) }), done >= seq { return }
        try flush()
        try db.execute("VACUUM")
        try db.transaction { () throws(LedgerError) in try setMeta(MetaKey.rewrittenAfterErasure, String(seq)) }
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
        let version = try db.statement(Self.lastVersion)
        defer { version.reset() }
        version.bind(1, id).bind(2, seq)
        var fields: [String: FieldValue] = [:]
        var since = upsertedSeq
        if try version.step() {
            since = max(since, version.int(0))
            fields = try StoredFields.decode(version.bytes(1))
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

    /// Records of `type` whose `field` now holds `value`, in `ref` order:
    /// through the index for an identifier; for a field that is becoming one
    /// in the commit being decided (not yet in this projection), by a scan.
    func records(ofType type: String, field: String, holding value: JSONValue, limit: Int) throws(LedgerError) -> [RecordRef] {
        let json = value.encodedString
        guard objectTypes[type]?.identifier(field) != nil else {
            // Byte for byte, as the identifier rows' holders are compared.
            let wanted = Array(json.utf8)
            var holders: [RecordRef] = []
            try forEachCurrentFields(ofType: type) { _, record, fields in
                if holders.count < limit, fields[field]?.value?.encodedBytes == wanted { holders.append(record) }
            }
            return holders
        }
        // Most values are held by a record or two (every upsert of a unique
        // identifier asks): read unordered, they are sorted here, sparing the
        // temporary B-tree SQLite opens for ORDER BY on every run. Only a
        // value held by more than `limit` records needs SQLite to order them.
        // The rows name the holders of the value's hash; each one's value is
        // compared, from its last version.
        let wanted = Array(json.utf8)
        let unordered = try db.statement(Self.holdersUnordered)
        defer { unordered.reset() }
        bindHolders(unordered, type: type, field: field, json: json).bind(4, Int64(limit + 1))
        let few = try identifiedRecords(unordered)
        guard few.count > limit else {
            var found: [RecordRef] = []
            for candidate in few where try holds(candidate.id, field: field, wanted) { found.append(candidate.record) }
            return found.sorted()
        }
        // Read in order only until `limit` of them hold the value.
        let inOrder = try db.statement(Self.holdersInOrder)
        defer { inOrder.reset() }
        bindHolders(inOrder, type: type, field: field, json: json)
        var found: [RecordRef] = []
        while found.count < limit, let candidate = try nextIdentifiedRecord(inOrder) {
            if try holds(candidate.id, field: field, wanted) { found.append(candidate.record) }
        }
        return found
    }

    private static let holdersByKey = """
        SELECT f.record, r.ref FROM record_fields f JOIN records r ON r.id = f.record
        WHERE f.type = ?1 AND f.field = ?2 AND f.value_key = ?3
        """
    private static let holdersUnordered = holdersByKey + " LIMIT ?4"
    private static let holdersInOrder = holdersByKey + " ORDER BY r.ref"

    /// Binds the rows of `record_fields` for the hash of `json`.
    @discardableResult
    private func bindHolders(_ statement: SQLiteStatement, type: String, field: String, json: String) -> SQLiteStatement {
        statement.bind(1, type).bind(2, field).bind(3, Self.valueKey(json))
    }

    /// Whether the record's `field` now holds the value whose JSON is
    /// `wanted`, byte for byte.
    private func holds(_ record: Int64, field: String, _ wanted: [UInt8]) throws(LedgerError) -> Bool {
        try currentFields(of: record)[field]?.value?.encodedBytes == wanted
    }

    /// Asked only when an identifier is made unique (rare): it groups the
    /// type's values of the field by their bytes, from the identifier
    /// index's hashes (then each holder's last version) when the field is
    /// one already, else by a scan.
    func recordsSharingValues(ofType type: String, field: String, limit: Int) throws(LedgerError) -> [RecordRef] {
        var holders: [[UInt8]: [RecordRef]] = [:]
        if objectTypes[type]?.identifier(field) != nil {
            let statement = try db.statement("""
                SELECT f.record, r.ref FROM record_fields f JOIN records r ON r.id = f.record
                WHERE f.type = ?1 AND f.field = ?2 AND f.value_key IN (
                    SELECT value_key FROM record_fields WHERE type = ?1 AND field = ?2 GROUP BY value_key HAVING COUNT(*) > 1)
                """)
            defer { statement.reset() }
            statement.bind(1, type).bind(2, field)
            for candidate in try identifiedRecords(statement) {
                if let value = try currentFields(of: candidate.id)[field]?.value { holders[value.encodedBytes, default: []].append(candidate.record) }
            }
        } else {
            try forEachCurrentFields(ofType: type) { _, record, fields in
                if let value = fields[field]?.value { holders[value.encodedBytes, default: []].append(record) }
            }
        }
        return Array(holders.values.filter { $0.count > 1 }.joined().sorted().prefix(limit))
    }

    /// Rows of (interned number, ref).
    private func identifiedRecords(_ statement: SQLiteStatement) throws(LedgerError) -> [(id: Int64, record: RecordRef)] {
        var result: [(id: Int64, record: RecordRef)] = []
        while let row = try nextIdentifiedRecord(statement) { result.append(row) }
        return result
    }

    private func nextIdentifiedRecord(_ statement: SQLiteStatement) throws(LedgerError) -> (id: Int64, record: RecordRef)? {
        guard try statement.step() else { return nil }
        guard let record = RecordRef(parsing: statement.string(1)) else {
            throw LedgerError(.ledgerDamaged, "the projection holds a malformed record")
        }
        return (statement.int(0), record)
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
