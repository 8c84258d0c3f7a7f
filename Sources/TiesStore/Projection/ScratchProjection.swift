import TiesCore
import TiesSystem

/// A scratch projection in the ledger directory that the log is replayed
/// into, up to a seq, and deleted after use (verify, as-of export).
final class ScratchProjection {
    let projection: Projection?
    let limit: Int64

    let path: String
    private let fileSystem: any FileSystem

    init(layout: LedgerLayout, purpose: String, upTo seq: Int64?) throws(LedgerError) {
        path = layout.directory + "/\(purpose)-replay-\(CurrentProcess.id)\(Self.suffix)"
        fileSystem = layout.fileSystem
        limit = seq ?? -1
        for file in [path, path + "-wal", path + "-shm"] { try fileSystem.unlink(file) }
        guard seq != nil else {
            projection = nil
            return
        }
        do {
            // Only read for its current state and digest: no secondary indexes needed.
            projection = try Projection.startBuilding(at: path)
        } catch {
            throw LedgerError(.ioError, "cannot create a scratch projection at \(path) to replay into")
        }
        // Read-only: a replay opens values, and never loses a key.
        projection?.recordKeys = try RecordKeys.open(layout, writable: false)
    }

    private static let suffix = ".sqlite"

    /// The process a scratch replay file (`PURPOSE-replay-PID.sqlite`, or
    /// its `-wal`/`-shm`) belongs to; nil for any other name.
    static func owner(ofFileNamed name: String) -> Int32? {
        guard let marker = name.firstRange(of: "-replay-") else { return nil }
        let rest = name[marker.upperBound...]
        guard let end = rest.firstRange(of: suffix) else { return nil }
        let tail = rest[end.upperBound...]
        guard tail.isEmpty || tail == "-wal" || tail == "-shm" || tail == "-journal" else { return nil }
        return Int32(rest[..<end.lowerBound])
    }

    var appliedSeq: Int64 { projection?.head.seq ?? -1 }

    func apply(_ commit: ScannedCommit, progress: ((ReplayProgress) -> Void)?, logBytes: Int64) throws(LedgerError) {
        guard let projection, commit.commit.lastSeq <= limit else { return }
        if try projection.apply([commit]) {
            progress?(ReplayProgress(seq: commit.commit.lastSeq, bytesDone: commit.endOffset, bytesTotal: logBytes))
        }
    }

    func finish() throws(LedgerError) {
        try projection?.flush()
    }

    func digest() throws(LedgerError) -> String? { try projection?.stateDigest() }

    func discard() {
        projection?.db.close()
        for file in [path, path + "-wal", path + "-shm"] { try? fileSystem.unlink(file) }  // Scratch files; best effort.
    }
}

extension ScratchProjection {
    /// Replays the log from its start up to the limit seq.
    func replay(_ log: LogFile, progress: ((ReplayProgress) -> Void)?) throws(LedgerError) {
        let scanner = ScanAhead(log, upTo: limit)
        while let commit = try scanner.next() {
            try apply(commit, progress: progress, logBytes: log.size)
        }
        try finish()
    }
}
