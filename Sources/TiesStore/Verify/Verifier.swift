import TiesCore

/// `ties verify`: reads everything, changes only `damaged.json`. Checks every commit's
/// checksum, the whole hash chain, seq continuity and non-decreasing time;
/// every snapshot; that SQLite finds the projection's pages and b-trees
/// whole (`quick_check`: the digest covers the current state only, not the
/// history tables); and that the projection's state digest equals that of
/// a fresh replay of the log to the same seq. Damage does not stop it: each
/// problem is recorded with its seq and byte offset and the scan goes on.
public enum Verifier {
    public static func verify(directory: String, progress: ((ReplayProgress) -> Void)? = nil) throws(LedgerError) -> VerifyReport {
        let layout = LedgerLayout(directory: directory)
        try layout.refuseSymbolicLinks()
        guard Ledger.exists(at: directory) else {
            throw LedgerError(.ledgerNotFound, "no ledger at \(layout.directory)", details: ["path": .string(layout.directory)])
        }
        // One point of the ledger, even with a writer at work: the projection's
        // head first, then the log's size. A writer appends and syncs a commit
        // before it applies it, and the log only grows, so the log measured
        // afterwards holds everything that head says was applied.
        var report = VerifyReport()
        var pageDamage: String?
        let live = try liveProjection(layout, &report, pageDamage: &pageDamage)
        let log = try LogFile(layout, writable: false)
        report.logBytes = log.size
        let replay = try ScratchProjection(layout: layout, purpose: "verify", upTo: report.projectionSeq)
        defer { replay.discard() }
        try scan(log, into: &report, replay: replay, progress: progress)
        if let projectionSeq = report.projectionSeq, let projectionDigest = report.projectionDigest {
            if replay.appliedSeq == projectionSeq {
                report.replayDigest = try replay.digest()
                if report.replayDigest != projectionDigest {
                    report.problems.append(VerifyProblem(seq: projectionSeq, message: "the projection's state digest \(projectionDigest.prefix(12))… differs from a fresh replay's \(report.replayDigest?.prefix(12) ?? "")… at seq \(projectionSeq)"))
                }
            } else {
                report.problems.append(VerifyProblem(seq: projectionSeq, message: "the projection is at seq \(projectionSeq), which the intact log does not reach"))
            }
        }
        // After the scan, which replays only while it has found no problem.
        if let pageDamage {
            report.problems.append(VerifyProblem(seq: report.projectionSeq, message: "SQLite finds the projection damaged (\(pageDamage)); `ties rebuild` replaces it"))
        }
        withExtendedLifetime(live) {}
        report.snapshots = try checkSnapshots(layout)
        for snapshot in report.snapshots where !snapshot.isValid && !snapshot.isOtherVersion {
            report.problems.append(VerifyProblem(seq: snapshot.seq, message: "snapshot \(snapshot.path): \(snapshot.problem ?? "")"))
        }
        do {
            try recordDamage(report, in: layout)
        } catch {
            // The report matters more than the record (a read-only copy, a backup).
            report.problems.append(VerifyProblem(message: "the damage could not be recorded in damaged.json: \(error.message)"))
        }
        return report
    }

    /// Damage in the log's bytes (not a torn tail, which the next open cuts
    /// off, nor a snapshot or the projection, which are derived) is kept in
    /// `damaged.json`; a log found whole removes an earlier record.
    private static func recordDamage(_ report: VerifyReport, in layout: LedgerLayout) throws(LedgerError) {
        guard let damage = report.problems.first(where: { $0.offset != nil && !$0.isTornTail }) else {
            try DamageRecord.clear(layout)
            return
        }
        try DamageRecord(seq: damage.seq, offset: damage.offset, foundAt: Ledger.clock(), foundBy: "verify",
                         message: DamageRecord.withoutPaths(damage.message, layout)).save(layout)
    }

    /// Every snapshot, against the log as it is after they were listed (a
    /// snapshot is a copy of the projection, so that log holds its commit,
    /// as above). One that a writer pruned since the listing is left out.
    private static func checkSnapshots(_ layout: LedgerLayout) throws(LedgerError) -> [SnapshotInfo] {
        let store = SnapshotStore(layout: layout)
        let files = try store.files()
        let log = try LogFile(layout, writable: false)
        return files.compactMap { file in
            let info = store.check(file.path, seq: file.seq, log: log)
            return info.isValid || layout.fileSystem.exists(file.path) ? info : nil
        }
    }

    /// The live projection's seq and digest, and SQLite's check of its
    /// pages (`pageDamage`: its first finding), read in one transaction.
    private static func liveProjection(_ layout: LedgerLayout, _ report: inout VerifyReport, pageDamage: inout String?) throws(LedgerError) -> Projection? {
        guard layout.fileSystem.exists(layout.projection) else { return nil }
        let projection: Projection
        do {
            projection = try Projection.open(path: layout.projection, readOnly: true)
        } catch {
            // One of another schema version (written by another version of
            // Ties) is not damage: the next open for writing rebuilds it.
            if case .schemaVersion(let found) = error, found != 0 { return nil }
            report.problems.append(VerifyProblem(message: "the projection cannot be opened; it is rebuilt on the next open"))
            return nil
        }
        do {
            let (seq, digest, damage) = try projection.db.reading { () throws(LedgerError) in
                try projection.refresh()
                return (projection.head.seq, try projection.stateDigest(), try pageProblem(projection))
            }
            pageDamage = damage.map { $0.split(whereSeparator: \.isNewline).joined(separator: " ") }
            report.projectionSeq = seq
            report.projectionDigest = digest
        } catch {
            // A page of the current state that fails its checksum: no digest to compare.
            guard error.code == .ledgerDamaged else { throw error }
            pageDamage = error.message
        }
        return projection
    }

    /// SQLite's `quick_check`, or the page it could not read because the
    /// page fails its checksum.
    private static func pageProblem(_ projection: Projection) throws(LedgerError) -> String? {
        do {
            return try projection.db.quickCheckProblem()
        } catch {
            guard error.code == .ledgerDamaged else { throw error }
            return error.message
        }
    }

    /// Every line of the log, checked on its own, so one bad commit does
    /// not hide the next problem.
    private static func scan(_ log: LogFile, into report: inout VerifyReport, replay: ScratchProjection,
                             progress: ((ReplayProgress) -> Void)?) throws(LedgerError) {
        var scanner = log.scanner(from: 0, expectedSeq: 1, expectedPrevious: CommitCodec.genesisHash)
        var expectedSeq: Int64 = 1
        var previous = CommitCodec.genesisHash
        var lastAt: Timestamp?
        // The bad lines since the last good commit: a torn tail if no good
        // commit follows them, by the rule the open applies (`LogScanner`).
        var tail: (firstProblem: Int, line: [UInt8], seq: Int64, previous: String)?
        defer { markTornTail(tail, in: &report) }
        while let (line, offset, terminated) = try scanner.nextLine() {
            guard offset < report.logBytes else { break }  // Appended after we started.
            // A line a live writer was still writing when the size was read:
            // not torn if the log has grown past it since, nor if no reader
            // was ever told of it (past the projection's head, read first:
            // at worst a never-acknowledged tail, which the next open cuts off).
            if !terminated, try log.currentSize() > offset + Int64(line.count) || expectedSeq > (report.projectionSeq ?? 0) { break }
            let sealed: SealedCommit
            do throws(LedgerError) {
                guard terminated else { throw LedgerError(.ledgerDamaged, "the last line is incomplete (a torn write; it is cut off on the next open)") }
                sealed = try CommitCodec.open(line)
            } catch {
                if tail == nil { tail = (report.problems.count, line, expectedSeq, previous) }
                report.problems.append(VerifyProblem(seq: expectedSeq, offset: offset, message: error.message, isTornTail: !terminated))
                continue
            }
            tail = nil
            let commit = sealed.commit
            if commit.firstSeq != expectedSeq {
                report.problems.append(VerifyProblem(seq: commit.firstSeq, offset: offset, message: "the commit starts at seq \(commit.firstSeq), expected \(expectedSeq)"))
            }
            if commit.previousHash != previous {
                report.problems.append(VerifyProblem(seq: commit.firstSeq, offset: offset, message: "the hash chain is broken: prev does not match the commit before"))
            }
            if let lastAt, commit.at < lastAt {
                report.problems.append(VerifyProblem(seq: commit.firstSeq, offset: offset, message: "the commit time \(commit.at) is earlier than the one before (\(lastAt))"))
            }
            if report.problems.isEmpty { try replay.apply(ScannedCommit(sealed: sealed, offset: offset), progress: progress, logBytes: report.logBytes) }
            expectedSeq = commit.lastSeq + 1
            previous = sealed.hash
            lastAt = commit.at
            report.commits += 1
            report.events += Int64(commit.events.count)
            report.headSeq = commit.lastSeq
            report.headHash = sealed.hash
        }
        try replay.finish()
    }

    /// Bad lines at the end of the log that no good commit follows are a
    /// torn tail, not damage to keep, unless the first is two commits
    /// joined by one bad byte: what the next open cuts off, verify reports
    /// as such.
    private static func markTornTail(_ tail: (firstProblem: Int, line: [UInt8], seq: Int64, previous: String)?,
                                     in report: inout VerifyReport) {
        guard let tail, !LogScanner.joinsTwoCommits(tail.line, expectedSeq: tail.seq, expectedPrevious: tail.previous) else { return }
        for index in tail.firstProblem..<report.problems.count where !report.problems[index].isTornTail {
            report.problems[index].isTornTail = true
            report.problems[index].message = "the log ends in lines that are not whole commits (a torn write; cut off on the next open): "
                + report.problems[index].message
        }
    }
}
