import TiesCore
import TiesSystem

/// The real file system: TiesSystem's calls, with their failures as `io_error`.
struct PosixFileSystem: FileSystem {
    func open(_ path: String, _ mode: Files.OpenMode) throws(LedgerError) -> Int32 {
        do {
            return try Files.open(path, mode)
        } catch {
            throw error.isSymbolicLink ? LedgerError.symbolicLink(path) : LedgerError(error)
        }
    }
    func close(_ fd: Int32) { Files.close(fd) }
    func pwriteAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int64, path: String) throws(LedgerError) {
        try withSystemCall { () throws(SystemError) in try Files.pwriteAll(fd, bytes, at: offset, path: path) }
    }
    @discardableResult
    func pread(_ fd: Int32, appendingTo buffer: inout [UInt8], count: Int, at offset: Int64, path: String) throws(LedgerError) -> Int {
        try withSystemCall { () throws(SystemError) in try Files.pread(fd, appendingTo: &buffer, count: count, at: offset, path: path) }
    }
    func fdatasync(_ fd: Int32, path: String) throws(LedgerError) {
        try withSystemCall { () throws(SystemError) in try Files.fdatasync(fd, path: path) }
    }
    func fsync(_ fd: Int32, path: String) throws(LedgerError) {
        try withSystemCall { () throws(SystemError) in try Files.fsync(fd, path: path) }
    }
    func ftruncate(_ fd: Int32, to size: Int64, path: String) throws(LedgerError) {
        try withSystemCall { () throws(SystemError) in try Files.ftruncate(fd, to: size, path: path) }
    }
    func fileSize(_ fd: Int32, path: String) throws(LedgerError) -> Int64 {
        try withSystemCall { () throws(SystemError) in try Files.size(fd, path: path) }
    }
    func tryLockExclusive(_ fd: Int32, path: String) throws(LedgerError) -> Bool {
        try withSystemCall { () throws(SystemError) in try FileLock.tryLockExclusive(fd, path: path) }
    }
    func unlock(_ fd: Int32) { FileLock.unlock(fd) }
    func status(_ path: String) -> FileStatus? { Files.status(path) }
    func isSymbolicLink(_ path: String) -> Bool { Files.isSymbolicLink(path) }
    func makeDirectory(_ path: String) throws(LedgerError) {
        try withSystemCall { () throws(SystemError) in try Files.makeDirectory(path) }
    }
    func rename(_ from: String, _ to: String) throws(LedgerError) {
        try withSystemCall { () throws(SystemError) in try Files.rename(from, to) }
    }
    func unlink(_ path: String) throws(LedgerError) {
        try withSystemCall { () throws(SystemError) in try Files.unlink(path) }
    }
    func listDirectory(_ path: String) throws(LedgerError) -> [String] {
        try withSystemCall { () throws(SystemError) in try Files.listDirectory(path) }
    }
}
