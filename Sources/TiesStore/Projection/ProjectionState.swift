import TiesCore

/// The decider's view of the projection: types from the in-memory cache,
/// links by index lookups.
extension Projection: LedgerStateView {
    func objectType(named name: String) throws(LedgerError) -> ObjectType? { objectTypes[name] }

    func objectTypeNames() throws(LedgerError) -> [String] { Array(objectTypes.keys) }

    func relationshipType(id: String) throws(LedgerError) -> RelationshipType? { typesByID[id] }

    func relationshipType(key: RelationshipTypeKey) throws(LedgerError) -> RelationshipType? {
        typeIDsByKey[key].flatMap { typesByID[$0] }
    }

    func attributes(of link: LinkKey) throws(LedgerError) -> Attributes? {
        let statement = try db.statement("SELECT attributes FROM links WHERE type_id = ?1 AND from_record = ?2 AND to_record = ?3")
        defer { statement.reset() }
        statement.bind(1, link.typeId).bind(2, link.from.description).bind(3, link.to.description)
        guard try statement.step() else { return nil }
        return try Self.attributes(statement.bytes(0))
    }

    func partners(typeId: String, of record: RecordRef, on side: LinkSide, limit: Int) throws(LedgerError) -> [RecordRef] {
        let sql = side == .to
            ? "SELECT from_record FROM links WHERE type_id = ?1 AND to_record = ?2 LIMIT ?3"
            : "SELECT to_record FROM links WHERE type_id = ?1 AND from_record = ?2 LIMIT ?3"
        let statement = try db.statement(sql)
        defer { statement.reset() }
        statement.bind(1, typeId).bind(2, record.description).bind(3, Int64(limit))
        return try records(statement)
    }

    func crowdedRecords(typeId: String, on side: LinkSide, limit: Int) throws(LedgerError) -> [RecordRef] {
        let sql = side == .to
            ? "SELECT to_record FROM links WHERE type_id = ?1 GROUP BY to_record HAVING COUNT(*) > 1 LIMIT ?2"
            : "SELECT from_record FROM links WHERE type_id = ?1 GROUP BY from_record HAVING COUNT(*) > 1 LIMIT ?2"
        let statement = try db.statement(sql)
        defer { statement.reset() }
        statement.bind(1, typeId).bind(2, Int64(limit))
        return try records(statement)
    }

    private func records(_ statement: SQLiteStatement) throws(LedgerError) -> [RecordRef] {
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
