import TiesCore
import TiesSystem

/// The SQLite projection: current state, every link version with its
/// validity interval, and the per-record event index, all derived from the
/// log. Relationship and object types are few, so they are also cached in
/// memory for the decider's lookups, with their interned numbers.
final class Projection {
    let db: SQLiteConnection
    private(set) var head = ProjectionHead()
    /// Tells this file's WAL from another's (see `ProjectionFileAlone`);
    /// 0 in a file still being built from the log (until `finishBuilding`)
    /// and in scratch replays, which have no WAL.
    private(set) var generation: Int32 = 0
    /// The next write transaction starts a WAL (none was there at open, or
    /// a checkpoint copied every frame): it records where (`MetaKey.walBase`).
    /// Cleared once that transaction commits.
    private var walStartsOver = false
    private(set) var typesByID: [String: RelationshipType] = [:]
    private(set) var typeIDsByKey: [RelationshipTypeKey: String] = [:]
    private(set) var typeNumbers: [String: Int64] = [:]
    private(set) var typesByNumber: [Int64: RelationshipType] = [:]
    private(set) var objectTypes: [String: ObjectType] = [:]
    /// Interned record numbers by the UTF-8 bytes of `type:id` (bytes, not
    /// `String`: canonically equivalent IDs are different records), a
    /// bounded cache of `records`.
    private var recordIDs: [RecordKey: Int64] = [:]
    /// `recordIDs` holds every record of `records`: the file was new and
    /// the cache was never emptied, so a record it lacks is not interned.
    private var recordIDsComplete = false
    /// When the open write transaction commits.
    var batching = ProjectionBatching.everyApply
    /// Set while the projection is built from the whole log: the
    /// per-record event index is derived from the link versions at the end.
    private var isBeingBuilt = false
    /// The write transaction `apply` has begun and not yet committed.
    private var openBatch: OpenBatch?
    /// The open transaction's `record_events` rows, inserted in key order
    /// before it commits.
    private var pendingRecordEvents = PendingRecordEvents()
    /// Set on a projection nobody reads before its open transaction
    /// commits (being built from the log, a snapshot's copy being caught
    /// up): its link changes are held in `pendingLinks` until then.
    private var holdsLinksUntilCommit = false
    private var pendingLinks = PendingLinks()
    /// Opens the record field values of events read from the log, and
    /// loses the key of a record whose erasure is applied. Nil: no values
    /// can be opened (a reader of a ledger without a key store).
    var recordKeys: RecordKeys?

    /// `type:id` as UTF-8 bytes, hashed in one call rather than byte by byte.
    private struct RecordKey: Hashable {
        let bytes: [UInt8]
        /// Built in one allocation, without the `type:id` string.
        init(_ record: RecordRef) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(record.type.utf8.count + 1 + record.id.utf8.count)
            bytes.append(contentsOf: record.type.utf8)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: record.id.utf8)
            self.bytes = bytes
        }
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    /// Why an existing projection file cannot be used as it is.
    enum OpenProblem: Error {
        case schemaVersion(found: Int64)
        /// The `-wal` beside the file is not the file's (the reason why).
        case walFromAnotherTime(String)
        case storage(LedgerError)
    }

    private init(db: SQLiteConnection) {
        self.db = db
    }

    /// Opens (creating if new) a projection of the current schema version.
    /// `walMode: false` leaves the journal mode alone (snapshot files).
    static func open(path: String, readOnly: Bool, walMode: Bool = true) throws(OpenProblem) -> Projection {
        let writer = !readOnly && walMode
        let walHasFrames = writer && ProjectionFileAlone.walHasFrames(path: path)
        let fileAlone = walHasFrames ? ProjectionFileAlone.read(path: path) : nil
        do {
            let db = try SQLiteConnection(path: path, readOnly: readOnly, pageChecksums: !readOnly)
            let projection = Projection(db: db)
            if !readOnly {
                // Freed space is zeroed: no old field value lingers in the file (see erase).
                try db.execute("PRAGMA secure_delete=ON")
            }
            if writer {
                db.checkpointItself(everyFrames: Limits.projectionCheckpointFrames)
                try db.execute("PRAGMA journal_mode=WAL")
                // The log is durable; the projection can always catch up from it.
                try db.execute("PRAGMA synchronous=NORMAL")
                // A large transaction grows the WAL; cut it back after checkpoints.
                try db.execute("PRAGMA journal_size_limit=\(Limits.projectionWALBytesKept)")
            }
            try db.execute("PRAGMA cache_size=-\(Limits.projectionCacheKiB)")
            let version = try db.userVersion
            if version == 0 && !readOnly {
                try projection.createSchema()
            } else if version != ProjectionSchema.version {
                throw OpenProblem.schemaVersion(found: version)
            }
            guard db.hasPageChecksums else {
                throw LedgerError(.ledgerDamaged, "its header reserves no bytes for page checksums, which every projection of schema \(version) has")
            }
            projection.generation = try db.applicationID
            try projection.loadHead()
            if let fileAlone, let problem = fileAlone.problem(generation: projection.generation, logEndOffset: projection.head.logEndOffset,
                                                              walBase: try projection.meta(MetaKey.walBase).flatMap { Int64($0) }) {
                db.close()
                throw OpenProblem.walFromAnotherTime(problem)
            }
            // A WAL whose frames are all in the file starts over at the next
            // write without SQLite's recovery when another process keeps it
            // open: known only by checkpointing it now.
            projection.walStartsOver = writer && (!walHasFrames || db.checkpointPassively())
            try projection.loadTypes()
            return projection
        } catch let error as LedgerError {
            throw .storage(error)
        } catch let problem as OpenProblem {
            throw problem
        } catch {
            throw .storage(LedgerError(.ioError, "\(error)"))
        }
    }

    private func createSchema() throws(LedgerError) {
        try db.transaction { () throws(LedgerError) in
            for statement in ProjectionSchema.tables + ProjectionSchema.secondaryIndexes { try db.execute(statement) }
            try db.execute("PRAGMA user_version=\(ProjectionSchema.version)")
            try stampNewGeneration()
        }
    }

    /// A new random generation in the file header, inside a write
    /// transaction: of a new file (its first WAL holds it, and its file
    /// alone, with no tables, is never compared), of a file built from the
    /// log or a copy (a snapshot, a projection restored from one) before
    /// it is in WAL mode, so the file itself holds it.
    func stampNewGeneration() throws(LedgerError) {
        generation = Int32.random(in: 1...Int32.max)
        try stampGeneration()
    }

    /// Writes the generation into page 1 again, so the WAL this write
    /// transaction goes to carries its file's (see `ProjectionFileAlone`).
    private func stampGeneration() throws(LedgerError) {
        try db.statement("PRAGMA application_id=\(generation)").run()
    }

    /// A new projection file to replay the whole log into, in one go: no
    /// journal and no syncs (the file is temporary until `finishBuilding`
    /// and is thrown away if anything fails), and no secondary indexes yet.
    /// Its user version stays 0, so it is never mistaken for a finished one.
    static func startBuilding(at path: String) throws(LedgerError) -> Projection {
        let projection = Projection(db: try SQLiteConnection(path: path, readOnly: false, pageChecksums: true))
        try projection.db.execute("PRAGMA journal_mode=OFF")
        try projection.db.execute("PRAGMA synchronous=OFF")
        try projection.db.execute("PRAGMA secure_delete=ON")
        try projection.db.execute("PRAGMA cache_size=-\(Limits.projectionCacheKiB)")
        for statement in ProjectionSchema.tables { try projection.db.execute(statement) }
        projection.batching = .bulk
        projection.isBeingBuilt = true
        projection.holdsLinksUntilCommit = true
        projection.recordIDsComplete = true
        return projection
    }

    /// A copy of a snapshot, to be caught up from the log before it becomes
    /// the projection: written like a file being built, with no journal
    /// and no syncs (it is thrown away if anything fails, and synced once
    /// before its rename), so the pages the catch-up changes are written
    /// once, not to a WAL and again by a checkpoint.
    static func openRestoredCopy(at path: String) throws(LedgerError) -> Projection {
        let projection = try SnapshotStore.open(path, readOnly: false)
        try projection.db.execute("PRAGMA journal_mode=OFF")
        try projection.db.execute("PRAGMA synchronous=OFF")
        projection.holdsLinksUntilCommit = true
        return projection
    }

    /// Creates the secondary indexes (each one sort, not an insert per
    /// event), stamps the schema version and switches to WAL: from here
    /// on the file is an ordinary projection.
    func finishBuilding() throws(LedgerError) {
        try flush()
        batching = .everyApply
        isBeingBuilt = false
        holdsLinksUntilCommit = false
        try db.transaction { () throws(LedgerError) in
            try db.statement(ProjectionSchema.recordEventsFromVersions).bind(1, ProjectionSchema.openEnded).run()
            for statement in ProjectionSchema.secondaryIndexes { try db.execute(statement) }
            try db.execute("PRAGMA user_version=\(ProjectionSchema.version)")
            try stampNewGeneration()
        }
        try db.execute("PRAGMA journal_mode=WAL")
    }

    private func loadHead() throws(LedgerError) {
        let statement = try db.statement("SELECT key, value FROM meta")
        defer { statement.reset() }
        var head = ProjectionHead()
        var lastCommitAtKept = false
        while try statement.step() {
            switch statement.string(0) {
            case MetaKey.appliedSeq: head.seq = statement.int(1)
            case MetaKey.headHash: head.hash = statement.string(1)
            case MetaKey.logEndOffset: head.logEndOffset = statement.int(1)
            case MetaKey.lastCommitOffset: head.lastCommitOffset = statement.int(1)
            case MetaKey.lastAt: head.lastAt = Timestamp(millisecondsSinceEpoch: statement.int(1))
            case MetaKey.lastCommitAt:
                lastCommitAtKept = true
                let value = statement.int(1)
                head.lastCommitAt = value < 0 ? nil : Timestamp(millisecondsSinceEpoch: value)
            default: break
            }
        }
        if !lastCommitAtKept { head.lastCommitAt = head.lastAt }
        self.head = head
    }

    /// A `meta` value as text, nil when absent.
    func meta(_ key: String) throws(LedgerError) -> String? {
        let statement = try db.statement("SELECT value FROM meta WHERE key = ?1")
        defer { statement.reset() }
        statement.bind(1, key)
        guard try statement.step(), !statement.isNull(0) else { return nil }
        return statement.string(0)
    }

    func setMeta(_ key: String, _ value: String) throws(LedgerError) {
        try db.statement("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)").bind(1, key).bind(2, value).run()
    }

    /// Types change only with commits, so they are reloaded only when the head moved.
    func refresh() throws(LedgerError) {
        let before = head.seq
        try loadHead()
        if head.seq != before { try loadTypes() }
    }

    private func loadTypes() throws(LedgerError) {
        typesByID = [:]
        typeIDsByKey = [:]
        typeNumbers = [:]
        typesByNumber = [:]
        objectTypes = [:]
        let types = try db.statement(
            "SELECT id, kind, role, from_type, to_type, cardinality, description, bidirectional, number, inverse_role FROM relationship_types")
        defer { types.reset() }
        while try types.step() {
            guard let kind = RelationshipKind(rawValue: types.string(1)) else {
                throw LedgerError(.ledgerDamaged, "projection holds an unknown relationship kind")
            }
            let type = RelationshipType(
                id: types.string(0), key: RelationshipTypeKey(kind: kind, role: types.string(2), fromType: types.string(3), toType: types.string(4)),
                cardinality: types.optionalString(5).flatMap(Cardinality.init(rawValue:)),
                description: types.optionalString(6), bidirectional: types.int(7) != 0, inverseRole: types.optionalString(9))
            cache(type, number: types.int(8))
        }
        let objects = try db.statement("SELECT name, description, identifiers, require_records FROM object_types")
        defer { objects.reset() }
        while try objects.step() {
            objectTypes[objects.string(0)] = ObjectType(name: objects.string(0), description: objects.optionalString(1),
                                                        identifiers: try Self.identifiers(objects.isNull(2) ? nil : objects.bytes(2)),
                                                        requireRecords: objects.int(3) != 0)
        }
    }

    private func cache(_ type: RelationshipType, number: Int64) {
        typesByID[type.id] = type
        typeIDsByKey[type.key] = type.id
        typeNumbers[type.id] = number
        typesByNumber[number] = type
    }

    // MARK: Applying commits

    /// Applies commits read from (or just appended to) the log, together
    /// with how far the projection has come, in the open write transaction
    /// (begun if none is). The transaction commits when `batching` says it
    /// is full or old enough; until then only this connection sees it.
    /// True when this call committed it. `committing` false leaves that to
    /// a later `commitIfFull`: for commits not yet durable in the log.
    @discardableResult
    func apply(_ commits: [ScannedCommit], committing: Bool = true) throws(LedgerError) -> Bool {
        guard let last = commits.last else { return false }
        ChainInvariant.check(commits.map(\.sealed), continue: head.seq, head.hash)
        precondition(commits.first.map { $0.offset >= head.logEndOffset } ?? true, "a commit before the projection's end offset")
        let applied = ProjectionHead(seq: last.commit.lastSeq, hash: last.sealed.hash, logEndOffset: last.endOffset,
                                     lastCommitOffset: last.offset, lastAt: last.commit.at,
                                     lastCommitAt: commits.last { !$0.commit.isReceipt }?.commit.at ?? head.lastCommitAt)
        try checkOpenBatch()
        do throws(LedgerError) {
            if openBatch == nil {
                try db.execute("BEGIN IMMEDIATE")
                openBatch = OpenBatch(startedNs: SystemClock.monotonicNanoseconds())
                try stampGeneration()
                if db.takeCompletedCheckpoint() { walStartsOver = true }
                if walStartsOver {
                    try setMeta(MetaKey.walBase, String(head.logEndOffset))
                }
            }
            for scanned in commits { try apply(scanned) }
            try writeHead(applied)
            openBatch?.events += commits.reduce(0) { $0 + $1.commit.events.count }
        } catch {
            try abandonBatch()
            throw error
        }
        head = applied
        assert(head.seq == (try? meta(MetaKey.appliedSeq)).flatMap { $0.flatMap { Int64($0) } }, "the stored applied seq is not the head")
        return committing ? try commitIfFull() : false
    }

    /// Commits the open transaction if `batching` says it is full or old
    /// enough. True when it did.
    @discardableResult
    func commitIfFull() throws(LedgerError) -> Bool {
        guard let batch = openBatch, batching.isFull(batch) else { return false }
        try flush()
        return true
    }

    /// Applies every commit of `log` after the head, in bulk transactions,
    /// and stops before a torn tail, which it returns for the caller to cut
    /// off (or to leave to the writer's open, which does).
    func applyLog(_ log: LogFile, progress: ((ReplayProgress) -> Void)?) throws(LedgerError) -> TornTail? {
        var scanner = log.scanner(from: head.logEndOffset, expectedSeq: head.seq + 1, expectedPrevious: head.hash)
        let wasBatching = batching
        batching = .bulk
        defer { batching = wasBatching }
        while let scanned = try scanner.next() {
            if try apply([scanned]) {
                progress?(ReplayProgress(seq: scanned.commit.lastSeq, bytesDone: scanned.endOffset, bytesTotal: log.size))
            }
        }
        try flush()
        return scanner.tornTail
    }

    /// Commits the open write transaction, if any (without an fsync of its
    /// own: the log is the durable record, and the projection catches up
    /// from it after a crash).
    func flush() throws(LedgerError) {
        try checkOpenBatch()
        guard openBatch != nil else { return }
        do throws(LedgerError) {
            try pendingRecordEvents.insert(into: db)
            try pendingLinks.write(into: db)
            try db.execute("COMMIT")
        } catch {
            try abandonBatch()
            throw error
        }
        openBatch = nil
        walStartsOver = false
    }

    /// SQLite rolls a whole transaction back by itself when a statement in
    /// it fails with a full disk, an I/O error or no memory — a read as
    /// well as a write. An open batch that SQLite no longer holds must
    /// never be built on: its commits are in the log but not here.
    func checkOpenBatch() throws(LedgerError) {
        guard openBatch != nil, !db.isInTransaction else { return }
        try abandonBatch()
        throw LedgerError(.ioError, "SQLite rolled back the projection's open transaction after a failed statement; reopen the ledger to catch up from the log")
    }

    /// Rolls the open transaction back and reloads what it may have cached
    /// (types, interned records, the head) from what is committed.
    func abandonBatch() throws(LedgerError) {
        if openBatch != nil {
            try? db.execute("ROLLBACK")  // The error that brought us here is the one worth reporting.
            openBatch = nil
        }
        pendingRecordEvents.removeAll()
        pendingLinks.removeAll()
        recordIDs.removeAll()
        recordIDsComplete = false
        try loadTypes()
        try loadHead()
    }

    private func writeHead(_ head: ProjectionHead) throws(LedgerError) {
        let statement = try db.statement("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2), (?3, ?4), (?5, ?6), (?7, ?8), (?9, ?10), (?11, ?12)")
        defer { statement.reset() }
        statement.bind(1, MetaKey.appliedSeq).bind(2, head.seq)
            .bind(3, MetaKey.headHash).bind(4, head.hash)
            .bind(5, MetaKey.logEndOffset).bind(6, head.logEndOffset)
            .bind(7, MetaKey.lastCommitOffset).bind(8, head.lastCommitOffset)
            .bind(9, MetaKey.lastAt).bind(10, head.lastAt?.millisecondsSinceEpoch ?? 0)
            .bind(11, MetaKey.lastCommitAt).bind(12, head.lastCommitAt?.millisecondsSinceEpoch ?? -1)
        try statement.run()
    }

    private func apply(_ scanned: ScannedCommit) throws(LedgerError) {
        let commit = scanned.commit
        if commit.idempotencyKey != nil { try recordIdempotency(IdempotencyRecord(commit)) }
        // A receipt holds no seq: the commits table is keyed by seq.
        guard !commit.isReceipt else { return }
        try db.statement("INSERT INTO commits (first_seq, last_seq, at, actor, reason, idempotency_key, log_offset, hash, principal) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            .bind(1, commit.firstSeq).bind(2, commit.lastSeq).bind(3, commit.at.millisecondsSinceEpoch)
            .bind(4, commit.actor).bind(5, commit.reason).bind(6, commit.idempotencyKey)
            .bind(7, scanned.offset).bind(8, scanned.sealed.hash).bind(9, commit.principal).run()
        let insertEvent = try db.statement("INSERT INTO events (seq, commit_seq, log_offset, length, crc, body, kind, type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        defer { insertEvent.reset() }
        let line = scanned.sealed.line
        let ranges = scanned.sealed.eventRanges ?? CommitCodec.eventRanges(of: commit, in: line)
        for (index, event) in commit.events.enumerated() {
            let seq = commit.firstSeq + Int64(index)
            insertEvent.reset()
            insertEvent.bind(1, seq).bind(2, commit.firstSeq)
            if let range = ranges?[index] {
                insertEvent.bind(3, scanned.offset + Int64(range.lowerBound)).bind(4, Int64(range.count))
                    .bind(5, Int64(CRC32.checksum(line[range]))).bind(6, nil as String?)
            } else {
                // Not where the canonical encoding would put it: keep the event itself.
                var writer = JSONWriter()
                EventCoding.write(event, seq: seq, to: &writer)
                insertEvent.bind(3, 0).bind(4, Int64(writer.bytes.count)).bind(5, Int64(CRC32.checksum(writer.bytes)))
                    .bind(6, bytes: writer.bytes[...])
            }
            // Applied first: a registration gives its type the number the row keeps.
            try apply(event, seq: seq, at: commit.at.millisecondsSinceEpoch)
            insertEvent.bind(7, EventKind(event).rawValue).bind(8, EventKind.typeID(of: event).flatMap { typeNumbers[$0] })
            try insertEvent.run()
        }
    }

    private func apply(_ event: Event, seq: Int64, at: Int64) throws(LedgerError) {
        switch event {
        case .objectTypeDefined(let type):
            try db.statement("INSERT OR REPLACE INTO object_types (name, description, defined_seq, identifiers, require_records) VALUES (?1, ?2, ?3, ?4, ?5)")
                .bind(1, type.name).bind(2, type.description).bind(3, seq)
                .bind(4, type.identifiers.isEmpty ? nil : JSONValue.array(type.identifiers.map(\.jsonValue)).encodedString)
                .bind(5, type.requireRecords ? 1 : 0).run()
            let previous = objectTypes[type.name]
            objectTypes[type.name] = type
            if type.identifiers.contains(where: { previous?.identifier($0.field) == nil }) {
                try indexValues(ofType: type.name)
            }
        case .relationshipTypeRegistered(let type):
            try db.statement("""
                INSERT INTO relationship_types (id, kind, role, from_type, to_type, cardinality, description, bidirectional, registered_seq,
                    inverse_role)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                """).bind(1, type.id).bind(2, type.key.kind.rawValue).bind(3, type.key.role).bind(4, type.key.fromType)
                .bind(5, type.key.toType).bind(6, type.cardinality?.rawValue).bind(7, type.description)
                .bind(8, type.bidirectional ? 1 : 0).bind(9, seq).bind(10, type.inverseRole).run()
            cache(type, number: db.lastInsertRowID)
            try recordBidirectional(type, seq: seq)
        case .relationshipTypeUpdated(let id, let change):
            guard let current = typesByID[id] else { throw LedgerError(.ledgerDamaged, "seq \(seq) updates unknown relationship type \(id)") }
            let updated = change.applied(to: current)
            try db.statement("UPDATE relationship_types SET cardinality = ?2, description = ?3, bidirectional = ?4, inverse_role = ?5 WHERE id = ?1")
                .bind(1, id).bind(2, updated.cardinality?.rawValue).bind(3, updated.description).bind(4, updated.bidirectional ? 1 : 0)
                .bind(5, updated.inverseRole).run()
            cache(updated, number: try typeNumber(id, seq: seq))
            if change.bidirectional != nil { try recordBidirectional(updated, seq: seq) }
        case .recordUpserted(let record, let set, let unset):
            try applyUpsert(record, set: try recordKeys.opened(set, of: record), unset: unset, seq: seq)
        case .recordErased(let record):
            try applyErasure(record, seq: seq)
        case .linked(let key, let attributes, _):
            let link = try internedLink(key, seq: seq)
            try open(link, attributes: JSONValue.object(attributes).encodedString, linkedSeq: seq, linkedAt: at, seq: seq, at: at)
        case .unlinked(let key, _):
            let link = try internedLink(key, seq: seq)
            try close(try currentVersion(of: link, seq: seq), seq: seq, at: at)
            if holdsLinksUntilCommit {
                pendingLinks.remove(link)
            } else {
                try db.statement("DELETE FROM links WHERE type = ?1 AND from_record = ?2 AND to_record = ?3")
                    .bind(1, link.type).bind(2, link.from).bind(3, link.to).run()
            }
            try indexRecords(link, seq: seq)
        case .attributesChanged(let key, let set, let unset, _):
            let link = try internedLink(key, seq: seq)
            let current = try currentVersion(of: link, seq: seq)
            var attributes = try Self.attributes(Array(current.attributes.utf8))
            attributes.merge(set) { _, new in new }
            for name in unset { attributes[name] = nil }
            try close(current, seq: seq, at: at)
            try open(link, attributes: JSONValue.object(attributes).encodedString, linkedSeq: current.linkedSeq,
                     linkedAt: current.linkedAt, seq: seq, at: at)
        }
    }

    private func recordBidirectional(_ type: RelationshipType, seq: Int64) throws(LedgerError) {
        try db.statement("INSERT INTO relationship_type_versions (type, from_seq, bidirectional) VALUES (?1, ?2, ?3)")
            .bind(1, try typeNumber(type.id, seq: seq)).bind(2, seq).bind(3, type.bidirectional ? 1 : 0).run()
    }

    /// A link event's key with its type and records as interned numbers.
    private func internedLink(_ key: LinkKey, seq: Int64) throws(LedgerError) -> InternedLink {
        InternedLink(type: try typeNumber(key.typeId, seq: seq), from: try intern(key.from), to: try intern(key.to))
    }

    private func typeNumber(_ id: String, seq: Int64) throws(LedgerError) -> Int64 {
        guard let number = typeNumbers[id] else {
            throw LedgerError(.ledgerDamaged, "seq \(seq) names relationship type \(id), which the projection does not hold")
        }
        return number
    }

    /// Opens a new version and points the current link at it (insert or replace).
    private func open(_ link: InternedLink, attributes: String, linkedSeq: Int64, linkedAt: Int64, seq: Int64, at: Int64) throws(LedgerError) {
        try db.statement("""
            INSERT INTO link_versions (type, from_record, to_record, attributes, linked_seq, linked_at, from_seq, from_at, to_seq, node)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """).bind(1, link.type).bind(2, link.from).bind(3, link.to).bind(4, attributes).bind(5, linkedSeq).bind(6, linkedAt)
            .bind(7, seq).bind(8, at).bind(9, ProjectionSchema.openEnded).bind(10, IntervalNode.node(from: seq, to: nil)).run()
        let versionID = db.lastInsertRowID
        if holdsLinksUntilCommit {
            pendingLinks.set(link, CurrentVersion(versionID: versionID, attributes: attributes, linkedSeq: linkedSeq, linkedAt: linkedAt,
                                                  fromSeq: seq))
        } else {
            try db.statement("INSERT OR REPLACE INTO links (type, from_record, to_record, version_id) VALUES (?1, ?2, ?3, ?4)")
                .bind(1, link.type).bind(2, link.from).bind(3, link.to).bind(4, versionID).run()
        }
        try indexRecords(link, seq: seq)
    }

    /// Ends a version's interval at `seq`, which files it at its fork node.
    private func close(_ version: CurrentVersion, seq: Int64, at: Int64) throws(LedgerError) {
        try db.statement("UPDATE link_versions SET to_seq = ?2, to_at = ?3, node = ?4 WHERE id = ?1")
            .bind(1, version.versionID).bind(2, seq).bind(3, at).bind(4, IntervalNode.node(from: version.fromSeq, to: seq)).run()
    }

    private func indexRecords(_ link: InternedLink, seq: Int64) throws(LedgerError) {
        guard !isBeingBuilt else { return }
        try indexRecordEvent(link.from, seq: seq)
        try indexRecordEvent(link.to, seq: seq)
    }

    /// Holds a `record_events` row back until the transaction commits.
    func indexRecordEvent(_ record: Int64, seq: Int64) throws(LedgerError) {
        pendingRecordEvents.add(record: record, seq: seq)
        if pendingRecordEvents.count >= Limits.projectionRecordEventsPendingMax { try pendingRecordEvents.insert(into: db) }
    }

    /// Inserts the held-back `record_events` rows into the open transaction,
    /// for a query of this connection that reads them.
    func insertPendingRecordEvents() throws(LedgerError) {
        try pendingRecordEvents.insert(into: db)
    }

    private func currentVersion(of link: InternedLink, seq: Int64) throws(LedgerError) -> CurrentVersion {
        let unknown = { LedgerError(.ledgerDamaged, "seq \(seq) changes a link that the projection does not hold") }
        if holdsLinksUntilCommit, let held = pendingLinks.version(of: link) {
            guard let held else { throw unknown() }
            return held
        }
        let statement = try db.statement("""
            SELECT l.version_id, v.attributes, v.linked_seq, v.linked_at, v.from_seq FROM links l JOIN link_versions v ON v.id = l.version_id
            WHERE l.type = ?1 AND l.from_record = ?2 AND l.to_record = ?3
            """)
        defer { statement.reset() }
        statement.bind(1, link.type).bind(2, link.from).bind(3, link.to)
        guard try statement.step() else { throw unknown() }
        return CurrentVersion(versionID: statement.int(0), attributes: statement.string(1),
                              linkedSeq: statement.int(2), linkedAt: statement.int(3), fromSeq: statement.int(4))
    }

    static func identifiers(_ json: [UInt8]?) throws(LedgerError) -> [Identifier] {
        guard let json else { return [] }
        guard case .array(let items)? = try? JSONParser.parse(json) else {
            throw LedgerError(.ledgerDamaged, "the projection holds identifiers that are not a JSON array")
        }
        return try items.map { item throws(LedgerError) in
            let fields = try FieldReader(item, context: "identifier", failure: .ledgerDamaged)
            return Identifier(field: try fields.requiredString("field"), unique: try fields.optionalBool("unique") ?? false)
        }
    }

    static func attributes(_ json: [UInt8]) throws(LedgerError) -> Attributes {
        guard case .object(let attributes)? = try? JSONParser.parse(json) else {
            throw LedgerError(.ledgerDamaged, "the projection holds attributes that are not a JSON object")
        }
        return attributes
    }

    /// A relationship type's interned number for a query: from the cache,
    /// or from the table when the type was registered after this
    /// connection last loaded its types (a reader that has not refreshed).
    func queryTypeNumber(_ id: String) throws(LedgerError) -> Int64? {
        if let number = typeNumbers[id] { return number }
        let statement = try db.statement("SELECT number FROM relationship_types WHERE id = ?1")
        defer { statement.reset() }
        statement.bind(1, id)
        return try statement.step() ? statement.int(0) : nil
    }

    // MARK: Interned records

    /// The number a record is known by in this projection, nil if no link
    /// ever named it.
    func recordID(_ record: RecordRef) throws(LedgerError) -> Int64? {
        let key = RecordKey(record)
        if let id = recordIDs[key] { return id }
        if recordIDsComplete { return nil }
        let statement = try db.statement("SELECT id FROM records WHERE ref = ?1")
        defer { statement.reset() }
        statement.bind(1, record.description)
        guard try statement.step() else { return nil }
        let id = statement.int(0)
        remember(key, id)
        return id
    }

    /// The record's number, given one if it has none yet.
    func intern(_ record: RecordRef) throws(LedgerError) -> Int64 {
        if let id = try recordID(record) { return id }
        return try insertRecord(record, upsertedSeq: nil)
    }

    /// The number of a record upserted at `seq`, and whether this is its
    /// first upsert. A record new to the projection is inserted as upserted
    /// in one statement (most upserts create their record).
    func internUpserted(_ record: RecordRef, seq: Int64) throws(LedgerError) -> (id: Int64, isFirstUpsert: Bool) {
        guard let id = try recordID(record) else { return (try insertRecord(record, upsertedSeq: seq), true) }
        try db.statement("UPDATE records SET upserted_seq = ?2 WHERE id = ?1 AND upserted_seq IS NULL").bind(1, id).bind(2, seq).run()
        return (id, db.changes == 1)
    }

    private func insertRecord(_ record: RecordRef, upsertedSeq: Int64?) throws(LedgerError) -> Int64 {
        try db.statement("INSERT INTO records (ref, upserted_seq) VALUES (?1, ?2)").bind(1, record.description).bind(2, upsertedSeq).run()
        let id = db.lastInsertRowID
        remember(RecordKey(record), id)
        return id
    }

    /// Interned numbers are never reused, so a cached one stays right (a
    /// rolled-back transaction clears the cache); it is bounded by emptying.
    private func remember(_ key: RecordKey, _ id: Int64) {
        if recordIDs.count >= Limits.recordIDsCachedMax {
            recordIDs.removeAll(keepingCapacity: true)
            recordIDsComplete = false
        }
        recordIDs[key] = id
    }

    // MARK: Idempotency

    func recordIdempotency(_ record: IdempotencyRecord) throws(LedgerError) {
        try db.statement("INSERT OR REPLACE INTO idempotency (key, digest, response, first_seq) VALUES (?1, ?2, ?3, ?4)")
            .bind(1, record.key).bind(2, record.digest).bind(3, record.storedOutcome.map { String(decoding: $0, as: UTF8.self) })
            .bind(4, record.firstSeq).run()
    }

    func idempotencyRecord(_ key: String) throws(LedgerError) -> IdempotencyRecord? {
        let statement = try db.statement("SELECT digest, response, first_seq FROM idempotency WHERE key = ?1")
        defer { statement.reset() }
        statement.bind(1, key)
        guard try statement.step() else { return nil }
        let outcome = try IdempotencyRecord.outcome(stored: statement.isNull(1) ? nil : statement.bytes(1))
        return IdempotencyRecord(key: key, digest: statement.optionalString(0), outcome: outcome,
                                 firstSeq: statement.isNull(2) ? nil : statement.int(2))
    }
}
