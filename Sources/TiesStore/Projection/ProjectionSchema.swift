/// The projection's tables (see the Projection article). Derived from the
/// log, so a schema change bumps `version` and the projection is rebuilt.
enum ProjectionSchema {
    static let version: Int64 = 2
    /// `to_seq` of a version that is still current: larger than any seq.
    static let openEnded = Int64.max

    static let statements = [
        // Progress: what has been applied, in the same transaction as the data.
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID",
        "CREATE TABLE object_types (name TEXT PRIMARY KEY, description TEXT, defined_seq INTEGER NOT NULL)",
        """
        CREATE TABLE relationship_types (id TEXT PRIMARY KEY, kind TEXT NOT NULL, role TEXT NOT NULL,
            from_type TEXT NOT NULL, to_type TEXT NOT NULL, cardinality TEXT, description TEXT,
            bidirectional INTEGER NOT NULL, registered_seq INTEGER NOT NULL,
            UNIQUE (kind, role, from_type, to_type))
        """,
        // Whether a type listed links on the `to` record, as of each seq.
        """
        CREATE TABLE relationship_type_versions (type_id TEXT NOT NULL, from_seq INTEGER NOT NULL,
            bidirectional INTEGER NOT NULL, PRIMARY KEY (type_id, from_seq)) WITHOUT ROWID
        """,
        // Current links: one row per (type, from, to).
        """
        CREATE TABLE links (type_id TEXT NOT NULL, from_record TEXT NOT NULL, to_record TEXT NOT NULL,
            attributes TEXT NOT NULL, version_id INTEGER NOT NULL,
            PRIMARY KEY (type_id, from_record, to_record)) WITHOUT ROWID
        """,
        "CREATE INDEX links_by_to ON links (type_id, to_record)",
        // Every version of every link with its validity interval [from, to).
        """
        CREATE TABLE link_versions (id INTEGER PRIMARY KEY, type_id TEXT NOT NULL,
            from_record TEXT NOT NULL, to_record TEXT NOT NULL, attributes TEXT NOT NULL,
            linked_seq INTEGER NOT NULL, linked_at INTEGER NOT NULL,
            from_seq INTEGER NOT NULL, from_at INTEGER NOT NULL,
            to_seq INTEGER NOT NULL, to_at INTEGER)
        """,
        "CREATE INDEX versions_by_from ON link_versions (from_record, to_seq, from_seq)",
        "CREATE INDEX versions_by_to ON link_versions (to_record, to_seq, from_seq)",
        """
        CREATE TABLE commits (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, at INTEGER NOT NULL,
            actor TEXT NOT NULL, reason TEXT, idempotency_key TEXT, log_offset INTEGER NOT NULL, hash TEXT NOT NULL)
        """,
        "CREATE INDEX commits_by_at ON commits (at)",
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, commit_seq INTEGER NOT NULL, body TEXT NOT NULL)",
        // Per-record event index: both endpoints of every link event.
        "CREATE TABLE record_events (record TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (record, seq)) WITHOUT ROWID",
        // Idempotency keys: the request digest and the first answer. From
        // the log for commits that appended events; recorded here directly
        // for keyed requests that appended nothing (first_seq NULL).
        "CREATE TABLE idempotency (key TEXT PRIMARY KEY, digest TEXT, response TEXT, first_seq INTEGER) WITHOUT ROWID",
    ]
}
