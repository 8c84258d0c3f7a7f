import TiesCore

/// A link event's key as the tables hold it: its type and records as
/// interned numbers.
struct InternedLink: Hashable {
    var type: Int64
    var from: Int64
    var to: Int64
}

/// A current link's version, as a later event of the link needs it: to
/// end the version, and to carry its attributes and link time on.
struct CurrentVersion {
    var versionID: Int64
    /// The version's attributes as the JSON object `link_versions` holds.
    var attributes: String
    var linkedSeq: Int64
    var linkedAt: Int64
    var fromSeq: Int64
}

/// The current links (`links` rows) changed in the open write transaction
/// of a projection that nobody reads before that transaction commits — one
/// being built from the log, a snapshot's copy being caught up — held here
/// and written in key order just before it commits.
///
/// Applied one by one, every link event wrote its link's row (insert or
/// replace, delete), and every change or unlink first read it back: a
/// quarter of a rebuild's time on the applying thread (the Performance
/// article). Held, a link's row is written once per transaction. Bounded by
/// the events of one bulk transaction (`Limits.projectionBatchEventsMax`).
struct PendingLinks {
    /// Nil: the link was unlinked (its row, if the table has one, goes).
    private var links: [InternedLink: CurrentVersion?] = [:]

    /// What the transaction made of the link: `.some(nil)` when it was
    /// unlinked, nil when the transaction did not touch it (the table knows).
    func version(of link: InternedLink) -> CurrentVersion?? {
        links[link]
    }

    mutating func set(_ link: InternedLink, _ version: CurrentVersion) {
        links[link] = .some(version)
    }

    mutating func remove(_ link: InternedLink) {
        links[link] = .some(nil)
    }

    /// Forgets the changes (their transaction was rolled back).
    mutating func removeAll() {
        links.removeAll()
    }

    /// Writes the changes, in key order, in the open transaction.
    mutating func write(into db: SQLiteConnection) throws(LedgerError) {
        guard !links.isEmpty else { return }
        precondition(db.isInTransaction, "links held back outside a write transaction")
        let ordered = links.sorted { lhs, rhs in
            (lhs.key.type, lhs.key.from, lhs.key.to) < (rhs.key.type, rhs.key.from, rhs.key.to)
        }
        let upsert = try db.statement("INSERT OR REPLACE INTO links (type, from_record, to_record, version_id) VALUES (?1, ?2, ?3, ?4)")
        let delete = try db.statement("DELETE FROM links WHERE type = ?1 AND from_record = ?2 AND to_record = ?3")
        defer {
            upsert.reset()
            delete.reset()
        }
        for (link, version) in ordered {
            let statement = version == nil ? delete : upsert
            statement.reset()
            statement.bind(1, link.type).bind(2, link.from).bind(3, link.to)
            if let version { statement.bind(4, version.versionID) }
            try statement.run()
        }
        links.removeAll(keepingCapacity: true)
    }
}
