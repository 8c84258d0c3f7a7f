import TiesCore
import TiesSystem

/// Every file operation the store makes on a ledger's files, as one narrow
/// interface, so the store can run on a simulated disk that loses unsynced
/// writes at a crash, fails a sync or runs out of space (the SQLite habit of
/// testing durability on a VFS that simulates power loss).
///
/// `PosixFileSystem` is the real one and only forwards to TiesSystem, which
/// keeps the C calls. Operations that are built from others (replace a
/// file, copy, `mkdir -p`, sync a directory) live in the extension below, so
/// a simulation sees each step that could be interrupted.
///
/// Left out on purpose: SQLite's own I/O (the projection and snapshots are
/// written by SQLite, which has its own crash safety, and the projection is
/// derived from the log), and the streams (standard input, `/dev/urandom`,
/// import files), which are not ledger files.
///
/// Every throwing operation fails with an `io_error` naming the call, the
/// path and errno. Descriptors are those of the process.
protocol FileSystem: Sendable {
    func open(_ path: String, _ mode: Files.OpenMode) throws(LedgerError) -> Int32
    func close(_ fd: Int32)
    /// Writes all of `bytes` at `offset` or fails; on failure some prefix may have been written.
    func pwriteAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int64, path: String) throws(LedgerError)
    /// Appends up to `count` bytes read at `offset` to `buffer`; fewer only at
    /// end of file. Returns how many were read.
    @discardableResult
    func pread(_ fd: Int32, appendingTo buffer: inout [UInt8], count: Int, at offset: Int64, path: String) throws(LedgerError) -> Int
    /// Makes the file's data (and its size) durable.
    func fdatasync(_ fd: Int32, path: String) throws(LedgerError)
    /// Makes the file's data and metadata durable; on a directory
    /// descriptor, the names created, renamed and removed in it.
    func fsync(_ fd: Int32, path: String) throws(LedgerError)
    func ftruncate(_ fd: Int32, to size: Int64, path: String) throws(LedgerError)
    func fileSize(_ fd: Int32, path: String) throws(LedgerError) -> Int64
    /// Takes an exclusive `flock` without blocking; false when another holds it.
    func tryLockExclusive(_ fd: Int32, path: String) throws(LedgerError) -> Bool
    func unlock(_ fd: Int32)
    /// nil when nothing is at `path`.
    func status(_ path: String) -> FileStatus?
    /// True when `path` itself is a symbolic link (which is not followed).
    func isSymbolicLink(_ path: String) -> Bool
    /// Creates a directory; one that already exists is not an error.
    func makeDirectory(_ path: String) throws(LedgerError)
    func rename(_ from: String, _ to: String) throws(LedgerError)
    /// Removes a file; one that does not exist is not an error.
    func unlink(_ path: String) throws(LedgerError)
    /// The names in a directory (without `.` and `..`); empty if it does not exist.
    func listDirectory(_ path: String) throws(LedgerError) -> [String]
}

extension FileSystem {
    func exists(_ path: String) -> Bool { status(path) != nil }

    func isDirectory(_ path: String) -> Bool { status(path)?.isDirectory == true }

    /// The size of a file by path, 0 when it does not exist (sizes for stats).
    func fileSize(atPath path: String) -> Int64 { status(path)?.size ?? 0 }

    /// Makes a directory entry (a created, renamed or removed file) durable.
    func fsyncDirectory(_ path: String) throws(LedgerError) {
        let fd = try open(path, .directory)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    /// Syncs a file's data and metadata by path.
    func fsync(path: String) throws(LedgerError) {
        let fd = try open(path, .readOnly)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    /// `mkdir -p`: creates missing parents too. Each directory it creates is
    /// made durable in its parent; otherwise a power loss could take a new
    /// ledger directory, and every commit synced inside it, away.
    func makeDirectories(_ path: String) throws(LedgerError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            let parent = prefix.isEmpty ? "." : prefix
            prefix += component
            if !isDirectory(prefix) {
                try makeDirectory(prefix)
                try fsyncDirectory(parent)
            }
            prefix += "/"
        }
    }

    /// Replaces `path` with `bytes` durably: temp file, fsync, rename, fsync
    /// of the directory. A crash leaves the old file or the new one, never a mix.
    func replaceFile(_ path: String, with bytes: [UInt8], directory: String) throws(LedgerError) {
        let temporary = "\(path).tmp-\(CurrentProcess.id)"
        try unlink(temporary)
        let fd = try open(temporary, .createNew)
        do throws(LedgerError) {
            try pwriteAll(fd, bytes, at: 0, path: temporary)
            try fsync(fd, path: temporary)
        } catch {
            close(fd)
            try? unlink(temporary)  // Best effort; the error that matters is the write's.
            throw error
        }
        close(fd)
        try rename(temporary, path)
        try fsyncDirectory(directory)
    }

    /// Reads a whole small file, at most `limit` bytes; nil if it does not exist.
    func readSmallFile(_ path: String, limit: Int) throws(LedgerError) -> [UInt8]? {
        guard exists(path) else { return nil }
        let fd = try open(path, .readOnly)
        defer { close(fd) }
        var bytes: [UInt8] = []
        try pread(fd, appendingTo: &bytes, count: limit + 1, at: 0, path: path)
        guard bytes.count <= limit else {
            throw LedgerError(.ledgerDamaged, "\(path) is larger than \(limit) bytes")
        }
        return bytes
    }

    /// Copies `count` bytes from `offset` of an open file into a new file,
    /// durably: temp file, fsync, rename, fsync of the directory.
    /// `inspect` sees each chunk (1 MiB, the last shorter) and the offset
    /// it was read from before it is written; what it throws stops the
    /// copy. A copy stopped before its rename leaves no file. `synced:
    /// false` leaves out both fsyncs, for a scratch file its caller changes
    /// further and syncs before it counts on it.
    func copy(_ source: Int32, path sourcePath: String, from offset: Int64, count: Int64,
              toNewFile path: String, directory: String, synced: Bool = true,
              inspect: ((_ chunk: [UInt8], _ offset: Int64) throws(LedgerError) -> Void)? = nil) throws(LedgerError) {
        let temporary = path + ".tmp"
        try unlink(temporary)
        let out = try open(temporary, .createNew)
        do {
            defer { close(out) }
            let chunk: Int64 = 1 << 20
            var done: Int64 = 0
            while done < count {
                var bytes: [UInt8] = []
                try pread(source, appendingTo: &bytes, count: Int(min(chunk, count - done)), at: offset + done, path: sourcePath)
                if bytes.isEmpty { break }
                try inspect?(bytes, offset + done)
                try pwriteAll(out, bytes, at: done, path: temporary)
                done += Int64(bytes.count)
            }
            if synced { try fsync(out, path: temporary) }
        } catch {
            try? unlink(temporary)  // The failure that matters is the one reported.
            throw error
        }
        try rename(temporary, path)
        if synced { try fsyncDirectory(directory) }
    }

    /// Copies a whole file (`synced` and `inspect`: as `copy`'s).
    func copyFile(_ source: String, toNewFile path: String, directory: String, synced: Bool,
                  inspect: ((_ chunk: [UInt8], _ offset: Int64) throws(LedgerError) -> Void)? = nil) throws(LedgerError) {
        let fd = try open(source, .readOnly)
        defer { close(fd) }
        try copy(fd, path: source, from: 0, count: try fileSize(fd, path: source), toNewFile: path, directory: directory, synced: synced,
                 inspect: inspect)
    }
}
