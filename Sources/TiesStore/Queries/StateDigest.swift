import TiesCore

/// A canonical digest of the current state — object types, relationship
/// types, current links and their attributes — so "projection = log" can be
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
            "SELECT 'link', type_id, from_record, to_record, attributes FROM (\(ProjectionSchema.currentLinks())) ORDER BY 2, 3, 4",
        ]
        for sql in queries {
            let statement = try db.statement(sql)
            defer { statement.reset() }
            while try statement.step() {
                hasher.update(try row(statement).encodedBytes)
                hasher.update([UInt8(ascii: "\n")])
            }
        }
        return Hex.encode(hasher.finalize())
    }

    /// One row as a JSON array: text as strings, NULL as null, integers as
    /// numbers, attributes (stored as canonical JSON) as their object.
    private func row(_ statement: SQLiteStatement) throws(LedgerError) -> JSONValue {
        var values: [JSONValue] = []
        for column in 0..<statement.columnCount {
            if statement.isNull(column) {
                values.append(.null)
            } else if statement.isInteger(column) {
                values.append(.int(statement.int(column)))
            } else if statement.columnName(column) == "attributes" {
                values.append(.object(try Self.attributes(statement.bytes(column))))
            } else {
                values.append(.string(statement.string(column)))
            }
        }
        return .array(values)
    }
}
