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
        guard let type = try queryTypeNumber(link.typeId), let from = try recordID(link.from), let to = try recordID(link.to) else { return nil }
        let statement = try db.statement("""
            SELECT v.attributes FROM links l JOIN link_versions v ON v.id = l.version_id
            WHERE l.type = ?1 AND l.from_record = ?2 AND l.to_record = ?3
            """)
        defer { statement.reset() }
        statement.bind(1, type).bind(2, from).bind(3, to)
        guard try statement.step() else { return nil }
        return try Self.attributes(statement.bytes(0))
    }

    func partners(typeId: String, of record: RecordRef, on side: LinkSide, limit: Int) throws(LedgerError) -> [RecordRef] {
        guard let type = try queryTypeNumber(typeId), let id = try recordID(record) else { return [] }
        let sql = side == .to
            ? "SELECT r.ref FROM links l JOIN records r ON r.id = l.from_record WHERE l.type = ?1 AND l.to_record = ?2 ORDER BY r.ref LIMIT ?3"
            : "SELECT r.ref FROM links l JOIN records r ON r.id = l.to_record WHERE l.type = ?1 AND l.from_record = ?2 ORDER BY r.ref LIMIT ?3"
        let statement = try db.statement(sql)
        defer { statement.reset() }
        statement.bind(1, type).bind(2, id).bind(3, Int64(limit))
        return try records(statement)
    }

    func crowdedRecords(typeId: String, on side: LinkSide, limit: Int) throws(LedgerError) -> [RecordRef] {
        guard let type = try queryTypeNumber(typeId) else { return [] }
        let column = side == .to ? "to_record" : "from_record"
        let statement = try db.statement("""
            SELECT r.ref FROM links l JOIN records r ON r.id = l.\(column) WHERE l.type = ?1
            GROUP BY l.\(column) HAVING COUNT(*) > 1 ORDER BY r.ref LIMIT ?2
            """)
        defer { statement.reset() }
        statement.bind(1, type).bind(2, Int64(limit))
        return try records(statement)
    }

    func record(_ record: RecordRef) throws(LedgerError) -> RecordState? {
        guard let id = try recordID(record) else { return nil }
        let statement = try db.statement("""
            SELECT r.upserted_seq, r.erased_seq, \(ProjectionSchema.currentFields()) FROM records r WHERE r.id = ?1
            """)
        defer { statement.reset() }
        statement.bind(1, id)
        guard try statement.step(), !statement.isNull(0) else { return nil }
        // Values that cannot be read are left out, as if unset.
        let fields = statement.isNull(2) ? [:] : try StoredFields.decode(statement.bytes(2)).compactMapValues(\.value)
        return RecordState(fields: fields, erased: !statement.isNull(1))
    }
}
