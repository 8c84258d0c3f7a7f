import TiesCore

/// The append-only log: the source of truth. Appends are written whole at
/// the known end, then `fdatasync`ed, before anyone is told they happened.
/// A failed write is cut back off so the log stays readable; a failed sync
/// leaves the log in an unknown state, so the file refuses every further
/// append until it is reopened (never retry fsync and then acknowledge).
final class LogFile {
    let path: String
    private let fileSystem: any FileSystem
    private let fd: Int32
    private(set) var size: Int64
    private var poisoned: LedgerError?

    /// Opens the log of `layout`, through its file system.
    init(_ layout: LedgerLayout, writable: Bool) throws(LedgerError) {
        path = layout.log
        fileSystem = layout.fileSystem
        fd = try fileSystem.open(path, writable ? .readWrite : .readOnly)
        do throws(LedgerError) {
            size = try fileSystem.fileSize(fd, path: path)
        } catch {
            fileSystem.close(fd)
            throw error
        }
    }

    deinit { fileSystem.close(fd) }

    /// Creates an empty log durably (file and directory entry).
    static func create(_ layout: LedgerLayout) throws(LedgerError) {
        let fileSystem = layout.fileSystem
        let fd = try fileSystem.open(layout.log, .createNew)
        defer { fileSystem.close(fd) }
        try fileSystem.fsync(fd, path: layout.log)
        try fileSystem.fsyncDirectory(layout.directory)
    }

    /// Why every append is refused (an earlier sync failed), if it is:
    /// checked before a group stores anything, its record keys included.
    var refusal: LedgerError? { poisoned }

    /// Where `append` puts each of `lines`.
    func offsets(of lines: [[UInt8]]) -> [Int64] {
        var next = size
        return lines.map { line in
            defer { next += Int64(line.count) }
            return next
        }
    }

    /// Appends lines and makes them durable. Returns the offset of each.
    func append(_ lines: [[UInt8]]) throws(LedgerError) -> [Int64] {
        if let poisoned { throw poisoned }
        let start = size
        let offsets = offsets(of: lines)
        var joined: [UInt8] = []
        joined.reserveCapacity(lines.reduce(0) { $0 + $1.count })
        for line in lines { joined.append(contentsOf: line) }
        ChainInvariant.check(offsets: offsets, of: lines, from: start)
        do throws(LedgerError) {
            try fileSystem.pwriteAll(fd, joined, at: start, path: path)
        } catch {
            // Disk full or a short write: cut the partial bytes off so the
            // log ends on a whole commit, and report the original error.
            do throws(LedgerError) {
                try fileSystem.ftruncate(fd, to: start, path: path)
            } catch {
                poisoned = error
            }
            throw error
        }
        do throws(LedgerError) {
            try fileSystem.fdatasync(fd, path: path)
        } catch {
            poisoned = LedgerError(.ioError, "an earlier fsync of \(path) failed; reopen the ledger before writing again (\(error.message))",
                                   details: error.details)
            throw error
        }
        size = start + Int64(joined.count)
        return offsets
    }

    /// Makes whatever the file holds durable. On opening for writing: a
    /// writer killed between its write and its `fdatasync` leaves bytes in
    /// the page cache only, and nothing derived from them (a projection, a
    /// snapshot) may become durable before they are.
    func sync() throws(LedgerError) {
        try fileSystem.fdatasync(fd, path: path)
    }

    /// Cuts a torn tail off (never acknowledged data) and syncs.
    func truncate(to offset: Int64) throws(LedgerError) {
        try fileSystem.ftruncate(fd, to: offset, path: path)
        try fileSystem.fsync(fd, path: path)
        size = offset
    }

    func scanner(from offset: Int64, expectedSeq: Int64, expectedPrevious: String) -> LogScanner {
        LogScanner(fileSystem: fileSystem, fd: fd, path: path, offset: offset, expectedSeq: expectedSeq, expectedPrevious: expectedPrevious)
    }

    /// The file's size now, which a writer in another process may have
    /// grown since this one opened it (`size`).
    func currentSize() throws(LedgerError) -> Int64 {
        try fileSystem.fileSize(fd, path: path)
    }

    /// Reads `count` bytes at `offset` (for checking one known commit).
    func read(at offset: Int64, count: Int) throws(LedgerError) -> [UInt8] {
        var bytes: [UInt8] = []
        try fileSystem.pread(fd, appendingTo: &bytes, count: count, at: offset, path: path)
        return bytes
    }
}

extension LogFile {
    /// The line that starts at `offset`, without its newline, read in
    /// chunks up to the commit size limit (`ledger_damaged` past it or at
    /// the end of the file).
    func line(at offset: Int64) throws(LedgerError) -> [UInt8] {
        var bytes: [UInt8] = []
        let chunk = 64 * 1024
        while bytes.count <= Limits.commitBytesMax {
            let read = try read(at: offset + Int64(bytes.count), count: chunk)
            if let newline = read.firstIndex(of: UInt8(ascii: "\n")) { return bytes + read[..<newline] }
            guard read.count == chunk else { break }
            bytes += read
        }
        throw LedgerError(.ledgerDamaged, "no whole line at byte offset \(offset) of the log", details: ["offset": .int(offset)])
    }

    /// Copies a byte range into a new file, durably (see `FileSystem.copy`).
    func copy(from offset: Int64, count: Int64, toNewFile path: String, directory: String) throws(LedgerError) {
        try fileSystem.copy(fd, path: self.path, from: offset, count: count, toNewFile: path, directory: directory)
    }

    /// True when the commit a projection (or snapshot) says it applied last
    /// is in this log byte for byte: same place, same hash, same last seq.
    func holds(_ head: ProjectionHead) throws(LedgerError) -> Bool {
        // Nothing applied yet (a receipt before the first commit is applied: it moves the offsets).
        guard head.logEndOffset > 0 else { return head.seq == 0 && head.hash == CommitCodec.genesisHash }
        guard head.logEndOffset <= size, head.lastCommitOffset < head.logEndOffset else { return false }
        var line = try read(at: head.lastCommitOffset, count: Int(head.logEndOffset - head.lastCommitOffset))
        guard line.last == UInt8(ascii: "\n") else { return false }
        line.removeLast()
        guard let sealed = try? CommitCodec.open(line) else { return false }
        return sealed.hash == head.hash && sealed.commit.lastSeq == head.seq
    }
}
