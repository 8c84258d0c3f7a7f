/// The projection's tables (see the Projection article). Derived from the
/// log, so a schema change bumps `version` and the projection is rebuilt.
///
/// Version 3: records and relationship types are interned to integers, so
/// every index is on small integers; event bodies stay in the log and the
/// projection keeps where each one is, with its CRC-32. Version 4: types
/// keep their inverse role, and link versions are indexed by record, type
/// and node, then the other record, so relationship lists page by index;
/// records' fields (current and every version), identifiers and
/// `requireRecords` of object types. Version 5: each commit's principal;
/// events keep their kind and relationship type, indexed with commits by
/// actor for audit searches; versions indexed by where their intervals
/// start and end, for diffs. Version 6: only versions that have ended are
/// indexed by where they end (open ones have no end, and indexed at 2⁶³−1
/// they made every link event write a page of that index's open part).
/// Version 7: every page ends with its checksum (`PageChecksum`).
/// Version 8: a record's fields are one row per version, its whole set of
/// fields (`record_versions`), rather than a row per field and another per
/// field version; `record_fields` keeps identifier fields only.
/// Version 9: `record_fields` is keyed by what lookups go by (type, field,
/// the value's hash, record), one B-tree rather than a table by record and
/// an index by value, with no value (lookups compare the record's last
/// version) and rows for readable values only.
enum ProjectionSchema {
    static let version: Int64 = 9
    /// `to_seq` of a version that is still current: larger than any seq.
    static let openEnded = Int64.max

    /// The tables, with the indexes that applying events looks things up by.
    static let tables = [
        // Progress: what has been applied, in the same transaction as the data.
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID",
        """
        CREATE TABLE object_types (name TEXT PRIMARY KEY, description TEXT, defined_seq INTEGER NOT NULL,
            identifiers TEXT, require_records INTEGER NOT NULL DEFAULT 0)
        """,
        // `number` is the type's interned ID in every other table.
        """
        CREATE TABLE relationship_types (number INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
            role TEXT NOT NULL, from_type TEXT NOT NULL, to_type TEXT NOT NULL, cardinality TEXT, description TEXT,
            inverse_role TEXT, bidirectional INTEGER NOT NULL, registered_seq INTEGER NOT NULL,
            UNIQUE (kind, role, from_type, to_type))
        """,
        // Whether a type listed links on the `to` record, as of each seq.
        """
        CREATE TABLE relationship_type_versions (type INTEGER NOT NULL, from_seq INTEGER NOT NULL,
            bidirectional INTEGER NOT NULL, PRIMARY KEY (type, from_seq)) WITHOUT ROWID
        """,
        // Every record a link or upsert ever named, interned: `ref` is
        // `type:id`. `upserted_seq`: its first upsert (NULL: never upserted).
        "CREATE TABLE records (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, upserted_seq INTEGER, erased_seq INTEGER)",
        // Who holds each current value of an identifier field that can be
        // read (other fields are looked up by no one): `value_key` is a
        // 64-bit hash of the value's JSON, and the value itself is only in
        // the record's last version, which a lookup compares: entries stay
        // small, and erasure has one copy of each value fewer to remove.
        // One B-tree, keyed by what lookups go by: an upsert writes one
        // entry per identifier value it changes.
        """
        CREATE TABLE record_fields (type TEXT NOT NULL, field TEXT NOT NULL, value_key INTEGER NOT NULL, record INTEGER NOT NULL,
            PRIMARY KEY (type, field, value_key, record)) WITHOUT ROWID
        """,
        // A record's whole set of fields after each upsert that changed it
        // (StoredFields), valid from `seq` to its next version: its fields
        // as of any seq, and now, are one row.
        "CREATE TABLE record_versions (record INTEGER NOT NULL, seq INTEGER NOT NULL, fields TEXT NOT NULL, PRIMARY KEY (record, seq)) WITHOUT ROWID",
        // Current links: one row per (type, from, to), pointing at its open version.
        """
        CREATE TABLE links (type INTEGER NOT NULL, from_record INTEGER NOT NULL, to_record INTEGER NOT NULL,
            version_id INTEGER NOT NULL, PRIMARY KEY (type, from_record, to_record)) WITHOUT ROWID
        """,
        // Every version of every link with its validity interval [from, to),
        // filed at the interval tree node of that interval (IntervalNode).
        """
        CREATE TABLE link_versions (id INTEGER PRIMARY KEY, type INTEGER NOT NULL,
            from_record INTEGER NOT NULL, to_record INTEGER NOT NULL, attributes TEXT NOT NULL,
            linked_seq INTEGER NOT NULL, linked_at INTEGER NOT NULL,
            from_seq INTEGER NOT NULL, from_at INTEGER NOT NULL,
            to_seq INTEGER NOT NULL, to_at INTEGER, node INTEGER NOT NULL)
        """,
        """
        CREATE TABLE commits (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, at INTEGER NOT NULL,
            actor TEXT NOT NULL, reason TEXT, idempotency_key TEXT, log_offset INTEGER NOT NULL, hash TEXT NOT NULL,
            principal TEXT)
        """,
        // Where each event's bytes are in the log, and their CRC-32. `body`
        // holds the event only when its line was not written canonically.
        // `kind` (EventKind) and `type` (the relationship type's number, for
        // link and type events) are what audit searches go by.
        """
        CREATE TABLE events (seq INTEGER PRIMARY KEY, commit_seq INTEGER NOT NULL, log_offset INTEGER NOT NULL,
            length INTEGER NOT NULL, crc INTEGER NOT NULL, body BLOB, kind INTEGER NOT NULL, type INTEGER)
        """,
        // Per-record event index: both endpoints of every link event.
        "CREATE TABLE record_events (record INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (record, seq)) WITHOUT ROWID",
        // Idempotency keys: the request digest and the first answer. From
        // the log for commits that appended events; recorded here directly
        // for keyed requests that appended nothing (first_seq NULL).
        "CREATE TABLE idempotency (key TEXT PRIMARY KEY, digest TEXT, response TEXT, first_seq INTEGER) WITHOUT ROWID",
    ]

    /// Indexes only queries and the decider use: a projection built from
    /// the log in one go creates them at the end, sorted, instead of
    /// inserting into them event by event.
    static let secondaryIndexes = [
        "CREATE INDEX links_by_to ON links (type, to_record)",
        // A record's versions by type and interval tree node, then the
        // other record: each node's part of a listing is one ordered range.
        "CREATE INDEX versions_by_from ON link_versions (from_record, type, node, to_record, from_seq, to_seq)",
        "CREATE INDEX versions_by_to ON link_versions (to_record, type, node, from_record, from_seq, to_seq)",
        // Versions by where their interval starts and ends, so that a diff
        // of the whole ledger reads only the versions that begin or end
        // between its two seqs. Ended versions only: an open version's
        // entry would sit among the other open ones (all at `openEnded`,
        // ordered by link), a random page for every link event to write;
        // ended ones are appended at the seq that ends them.
        "CREATE INDEX versions_by_from_seq ON link_versions (from_seq, type, from_record, to_record)",
        "CREATE INDEX versions_by_to_seq ON link_versions (to_seq, type, from_record, to_record) WHERE \(endedVersions)",
        "CREATE INDEX commits_by_at ON commits (at)",
        "CREATE INDEX commits_by_actor ON commits (actor, first_seq)",
        "CREATE INDEX events_by_kind ON events (kind, seq)",
        "CREATE INDEX events_by_type ON events (type, seq) WHERE type IS NOT NULL",
        "CREATE INDEX records_by_erasure ON records (erased_seq) WHERE erased_seq IS NOT NULL",
    ]

    /// The condition of `versions_by_to_seq`: a query must repeat it word
    /// for word for SQLite to use that partial index.
    static let endedVersions = "to_seq < \(openEnded)"

    /// The per-record event index, derived from the link versions: every
    /// link event opens or closes a version (or both), so a record's events
    /// are the starts and the ends of the versions it is an endpoint of.
    /// Sorted, so the rows go in as appends. `?1`: `openEnded`.
    static let recordEventsFromVersions = """
        INSERT OR IGNORE INTO record_events (record, seq) SELECT record, seq FROM (
            SELECT from_record AS record, from_seq AS seq FROM link_versions
            UNION ALL SELECT to_record, from_seq FROM link_versions
            UNION ALL SELECT from_record, to_seq FROM link_versions WHERE to_seq < ?1
            UNION ALL SELECT to_record, to_seq FROM link_versions WHERE to_seq < ?1)
        ORDER BY record, seq
        """

    /// The current fields (StoredFields JSON; NULL before the first change)
    /// of the record `r` of the enclosing query: its last version's.
    /// `database` names an attached copy (`src.`) or is empty.
    static func currentFields(in database: String = "") -> String {
        "(SELECT v.fields FROM \(database)record_versions v WHERE v.record = r.id ORDER BY v.seq DESC LIMIT 1)"
    }

    /// Every current link with its type ID and records as text, its
    /// attributes, when it was linked and when its version began; unordered.
    /// `database` names an attached copy (`src.`) or is empty.
    static func currentLinks(in database: String = "") -> String {
        """
        SELECT t.id AS type_id, fr.ref AS from_record, tr.ref AS to_record, v.attributes AS attributes,
            v.linked_seq AS linked_seq, v.from_seq AS version_seq
        FROM \(database)links l JOIN \(database)relationship_types t ON t.number = l.type
        JOIN \(database)records fr ON fr.id = l.from_record JOIN \(database)records tr ON tr.id = l.to_record
        JOIN \(database)link_versions v ON v.id = l.version_id
        """
    }
}
