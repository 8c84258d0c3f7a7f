import TiesCore

/// `ties export`: the whole state (types, relationships, attributes) as of a
/// seq or time, as a standalone SQLite file with a stable schema (see the
/// Export article) or as JSON Lines.
public enum Exporter {
    /// Version of the export file's schema, in its `metadata` table.
    public static let format = "ties-export-1"

    static let schema = [
        "CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE object_types (name TEXT PRIMARY KEY, description TEXT, identifiers TEXT, require_records INTEGER NOT NULL)",
        """
        CREATE TABLE relationship_types (relationship_type_id TEXT PRIMARY KEY, kind TEXT NOT NULL, role TEXT NOT NULL,
            from_object_type TEXT NOT NULL, to_object_type TEXT NOT NULL, cardinality TEXT, description TEXT,
            bidirectional INTEGER NOT NULL, inverse_role TEXT)
        """,
        """
        CREATE TABLE relationships (relationship_type_id TEXT NOT NULL, from_record TEXT NOT NULL, to_record TEXT NOT NULL,
            from_type TEXT NOT NULL, from_id TEXT NOT NULL, to_type TEXT NOT NULL, to_id TEXT NOT NULL,
            attributes TEXT NOT NULL, linked_seq INTEGER NOT NULL, version_seq INTEGER NOT NULL,
            PRIMARY KEY (relationship_type_id, from_record, to_record))
        """,
        """
        CREATE TABLE attributes (relationship_type_id TEXT NOT NULL, from_record TEXT NOT NULL, to_record TEXT NOT NULL,
            key TEXT NOT NULL, value, json_type TEXT NOT NULL, PRIMARY KEY (relationship_type_id, from_record, to_record, key))
        """,
        "CREATE INDEX relationships_by_to ON relationships (to_record)",
        // `fields`: a JSON object; an erased record's values are {"erased":true}.
        "CREATE TABLE records (record TEXT PRIMARY KEY, type TEXT NOT NULL, id TEXT NOT NULL, fields TEXT NOT NULL, erased INTEGER NOT NULL)",
    ]

    /// What an export holds: the seq it is as of, and how to check it.
    public struct Stamp: Sendable {
        public var seq: Int64
        public var at: Timestamp?
        public var logHash: String
        public var stateDigest: String

        public var jsonValue: JSONValue {
            .object([
                "type": .string("metadata"), "format": .string(Exporter.format), "asOfSeq": .int(seq),
                "asOfTime": at.map { .string($0.description) } ?? .null, "logHash": .string(logHash), "stateDigest": .string(stateDigest),
            ])
        }
    }

    /// Writes the state as of `point` (now when nil) to a new SQLite file at `path`.
    public static func exportSQLite(_ ledger: Ledger, asOf point: AsOf?, to path: String) throws(LedgerError) -> Stamp {
        let fileSystem = ledger.layout.fileSystem
        guard !fileSystem.exists(path) else {
            throw LedgerError(.invalidField, "\(path) already exists; remove it or choose another file", details: ["field": .string("out")])
        }
        return try ledger.withState(asOf: point) { source, stamp throws(LedgerError) in
            let temporary = path + ".tmp"
            try fileSystem.unlink(temporary)
            do throws(LedgerError) {
                try write(from: source, stamp: stamp, to: temporary)
                try fileSystem.fsync(path: temporary)
                try fileSystem.rename(temporary, path)
                try fileSystem.fsyncDirectory(directoryOf(path))
            } catch {
                try? fileSystem.unlink(temporary)  // Best effort; the failure that matters is reported.
                throw error
            }
            return stamp
        }
    }

    /// Calls `emit` with each JSON Lines row of the state as of `point`:
    /// metadata, object types, relationship types, relationships, records.
    public static func exportJSONLines(_ ledger: Ledger, asOf point: AsOf?, emit: (JSONValue) -> Bool) throws(LedgerError) -> Stamp {
        try ledger.withState(asOf: point) { source, stamp throws(LedgerError) in
            guard emit(stamp.jsonValue) else { return stamp }
            let catalog = source.catalog
            for type in catalog.objectTypes {
                guard emit(tagged(type.jsonValue, "objectType")) else { return stamp }
            }
            for type in catalog.relationshipTypes {
                guard emit(tagged(type.jsonValue, "relationshipType")) else { return stamp }
            }
            var going = true
            try source.forEachLink { link, attributes throws(LedgerError) in
                var fields = linkJSON(link).objectValue ?? [:]
                fields["attributes"] = .object(attributes)
                going = emit(tagged(.object(fields), "relationship"))
                return going
            }
            guard going else { return stamp }
            try source.forEachRecord { record throws(LedgerError) in emit(tagged(record.jsonValue, "record")) }
            return stamp
        }
    }

    private static func tagged(_ value: JSONValue, _ type: String) -> JSONValue {
        var fields = value.objectValue ?? [:]
        fields["type"] = .string(type)
        return .object(fields)
    }

    private static func write(from source: Projection, stamp: Stamp, to path: String) throws(LedgerError) {
        let out = try SQLiteConnection(path: path)
        defer { out.close() }
        try out.transaction { () throws(LedgerError) in
            for statement in schema { try out.execute(statement) }
            try out.execute("ATTACH DATABASE '\(source.db.path.replacingQuotes)' AS src")
            try out.execute("INSERT INTO object_types SELECT name, description, identifiers, require_records FROM src.object_types")
            try out.execute("""
                INSERT INTO relationship_types SELECT id, kind, role, from_type, to_type, cardinality, description, bidirectional,
                    inverse_role
                FROM src.relationship_types
                """)
            let current = ProjectionSchema.currentLinks(in: "src.")
            try out.execute("""
                INSERT INTO relationships SELECT type_id, from_record, to_record,
                    substr(from_record, 1, instr(from_record, ':') - 1), substr(from_record, instr(from_record, ':') + 1),
                    substr(to_record, 1, instr(to_record, ':') - 1), substr(to_record, instr(to_record, ':') + 1),
                    attributes, linked_seq, version_seq
                FROM (\(current))
                """)
            try out.execute("""
                INSERT INTO attributes SELECT l.type_id, l.from_record, l.to_record, a.key, a.value, a.type
                FROM (\(current)) l, json_each(l.attributes) a
                """)
            try out.execute("""
                INSERT INTO records SELECT r.ref, substr(r.ref, 1, instr(r.ref, ':') - 1), substr(r.ref, instr(r.ref, ':') + 1),
                    -- The last version's fields, as stored (StoredFields): unreadable values are already {"erased":true}.
                    COALESCE(\(ProjectionSchema.currentFields(in: "src.")), '{}'),
                    r.erased_seq IS NOT NULL
                FROM src.records r WHERE r.upserted_seq IS NOT NULL
                """)
            let metadata: [(String, String)] = [
                ("format", format), ("as_of_seq", String(stamp.seq)), ("as_of_time", stamp.at?.description ?? ""),
                ("log_hash", stamp.logHash), ("state_digest", stamp.stateDigest),
            ]
            for (key, value) in metadata {
                try out.statement("INSERT INTO metadata (key, value) VALUES (?1, ?2)").bind(1, key).bind(2, value).run()
            }
        }
        try out.execute("DETACH DATABASE src")
    }

    static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

extension Ledger {
    /// Runs `body` on a projection holding the state as of `point`: the live
    /// one for "now", else a scratch replay of the log to that seq.
    func withState<T>(asOf point: AsOf?, _ body: (Projection, Exporter.Stamp) throws(LedgerError) -> T) throws(LedgerError) -> T {
        let (seq, at) = try point.map { (p: AsOf) throws(LedgerError) in try projection.resolve(p) } ?? (projection.head.seq, projection.head.lastCommitAt)
        let logHash = try projection.commitHash(endingAt: seq)
        if seq == projection.head.seq {
            return try body(projection, Exporter.Stamp(seq: seq, at: at, logHash: logHash, stateDigest: try projection.stateDigest()))
        }
        let scratch = try ScratchProjection(layout: layout, purpose: "export", upTo: seq)
        defer { scratch.discard() }
        try scratch.replay(log, progress: nil)
        guard let replayed = scratch.projection else { throw LedgerError(.ioError, "the scratch projection for the export is missing") }
        return try body(replayed, Exporter.Stamp(seq: seq, at: at, logHash: logHash, stateDigest: try replayed.stateDigest()))
    }
}
