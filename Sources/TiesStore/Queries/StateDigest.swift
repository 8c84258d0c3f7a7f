import TiesCore

/// A canonical digest of the current state — object types, relationship
/// types, current links and their attributes, records and their fields —
/// so "projection = log" can be
/// checked: the same function over the live projection, a snapshot, or a
/// projection freshly replayed from the log must give the same hex string.
///
/// Each row is one canonical JSON array and a newline, in byte order of its
/// key columns, hashed with SHA-256. Seq numbers and times are left out on
/// purpose: the digest is of *what is*, not of how it came to be.
extension Projection {
    func stateDigest() throws(LedgerError) -> String {
        var hasher = SHA256()
        let queries = [
            "SELECT 'objectType', name, description FROM object_types ORDER BY name",
            """
            SELECT 'relationshipType', id, kind, role, from_type, to_type, cardinality, description, bidirectional
            FROM relationship_types ORDER BY id
            """,
            // A row of its own, only where one is set: a ledger without inverse
            // roles digests as it did before types had them.
            "SELECT 'inverseRole', id, inverse_role FROM relationship_types WHERE inverse_role IS NOT NULL ORDER BY id",
            "SELECT 'link', type_id, from_record, to_record, attributes FROM (\(ProjectionSchema.currentLinks())) ORDER BY 2, 3, 4",
            // Rows only where records are used, so ledgers without them digest as they always have.
            """
            SELECT 'objectTypeRecords', name, identifiers, require_records FROM object_types
            WHERE identifiers IS NOT NULL OR require_records <> 0 ORDER BY name
            """,
            "SELECT 'record', ref, erased_seq IS NOT NULL FROM records WHERE upserted_seq IS NOT NULL ORDER BY ref",
        ]
        for sql in queries {
            let statement = try db.statement(sql)
            defer { statement.reset() }
            while try statement.step() {
                hasher.update(row(statement))
                hasher.update([UInt8(ascii: "\n")])
            }
        }
        try digestFields(into: &hasher)
        return Hex.encode(hasher.finalize())
    }

    /// A row per current field, `["field", ref, field, value]` (the value's
    /// JSON as a string; null once it cannot be read), by ref then field.
    private func digestFields(into hasher: inout SHA256) throws(LedgerError) {
        let statement = try db.statement("""
            SELECT r.ref, \(ProjectionSchema.currentFields())
            FROM records r WHERE r.upserted_seq IS NOT NULL ORDER BY r.ref
            """)
        defer { statement.reset() }
        while try statement.step() {
            guard !statement.isNull(1) else { continue }
            let ref = statement.string(0)
            for (field, value) in try StoredFields.decode(statement.bytes(1)).sorted(by: { utf8Less($0.key, $1.key) }) {
                var writer = JSONWriter()
                writer.writeRaw("[")
                writer.writeString("field")
                writer.writeRaw(",")
                writer.writeString(ref)
                writer.writeRaw(",")
                writer.writeString(field)
                writer.writeRaw(",")
                if let json = value.value?.encodedString { writer.writeString(json) } else { writer.writeNull() }
                writer.writeRaw("]\n")
                hasher.update(writer.bytes)
            }
        }
    }

    /// One row as a JSON array: text as strings, NULL as null, integers as
    /// numbers, attributes as the canonical JSON object they are stored as
    /// (written as they are: parsing and encoding again gives the same bytes).
    private func row(_ statement: SQLiteStatement) -> [UInt8] {
        var writer = JSONWriter()
        writer.writeRaw("[")
        for column in 0..<statement.columnCount {
            if column > 0 { writer.writeRaw(",") }
            if statement.isNull(column) {
                writer.writeNull()
            } else if statement.isInteger(column) {
                writer.writeInt(statement.int(column))
            } else if statement.columnName(column) == "attributes" {
                writer.writeRawBytes(statement.bytes(column))
            } else {
                writer.writeString(statement.string(column))
            }
        }
        writer.writeRaw("]")
        return writer.bytes
    }
}
