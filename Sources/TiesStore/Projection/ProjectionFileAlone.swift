import TiesCore
import TiesSystem

/// What `projection.sqlite` holds by itself, without its `-wal`: how the
/// writer tells that the WAL beside the file is the file's own.
///
/// SQLite ties no WAL to its database file. A `-wal` from another time (put
/// back from a copy, or left by another projection file) is laid over the
/// file as if its pages were the newest, mixing pages of two times. A crash
/// only ever leaves the file's own WAL, no older than the file. So before
/// the writer trusts a WAL it compares the file alone with the file read
/// through its WAL:
/// - the generation, a random number in the header's `application_id`: new
///   for every projection file built or restored and every snapshot, and
///   written again (page 1) by every write transaction, so that every WAL
///   carries its file's;
/// - how far each has applied the log: a WAL's pages are never older than
///   the file's, and the file is never older than where its WAL last
///   started over (`MetaKey.walBase`): the pages written before are only
///   in the file.
struct ProjectionFileAlone {
    let generation: Int32
    let logEndOffset: Int64

    /// A WAL that holds no frame is 32 bytes or less (its header).
    private static let walHeaderBytes: Int64 = 32

    /// Whether a `-wal` beside `path` may hold frames (more than a header).
    static func walHasFrames(path: String) -> Bool {
        (Files.status(path + "-wal")?.size ?? 0) > walHeaderBytes
    }

    /// Nil when the file alone cannot be read: after a crash in a
    /// checkpoint it may hold pages of two transactions, which its own WAL
    /// still covers.
    static func read(path: String) -> ProjectionFileAlone? {
        guard let db = try? SQLiteConnection(path: path, fileAlone: true) else { return nil }
        defer { db.close() }
        guard let generation = try? db.applicationID,
              let statement = try? db.statement("SELECT value FROM meta WHERE key = ?1") else { return nil }
        defer { statement.reset() }
        statement.bind(1, MetaKey.logEndOffset)
        guard let found = try? statement.step() else { return nil }
        // No row: a projection that has applied nothing yet.
        return ProjectionFileAlone(generation: generation, logEndOffset: found ? statement.int(0) : 0)
    }

    /// Why the WAL cannot be the file's, given what the file read with it
    /// says; nil when it can be.
    func problem(generation walGeneration: Int32, logEndOffset walLogEndOffset: Int64, walBase: Int64?) -> String? {
        if walGeneration != generation {
            return "its -wal belongs to another projection file (generation \(walGeneration), the file's is \(generation))"
        }
        if walLogEndOffset < logEndOffset {
            return "its -wal is older than the file (the file has applied the log up to byte \(logEndOffset), the -wal's pages only up to byte \(walLogEndOffset))"
        }
        if let walBase, logEndOffset < walBase {
            return "the file is older than its -wal (the -wal started over from a file that had applied the log up to byte \(walBase), this one only up to byte \(logEndOffset))"
        }
        return nil
    }
}
