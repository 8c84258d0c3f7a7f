import TiesCore
import TiesSystem

/// One writer per ledger across processes: an exclusive `flock` on the lock
/// file, held for the life of the writer. A second writer polls for a short,
/// bounded time and then fails with a message naming the holder's pid.
final class WriterLock {
    private let fileSystem: any FileSystem
    private let fd: Int32
    private let path: String

    private init(fileSystem: any FileSystem, fd: Int32, path: String) {
        self.fileSystem = fileSystem
        self.fd = fd
        self.path = path
    }

    deinit {
        fileSystem.unlock(fd)
        fileSystem.close(fd)
    }

    /// Takes the lock, waiting at most `timeoutMs`; nil if still held then
    /// and `timeoutMs` is 0, otherwise `ledger_busy`.
    static func acquire(path: String, timeoutMs: Int, fileSystem: any FileSystem) throws(LedgerError) -> WriterLock? {
        let fd = try fileSystem.open(path, .createOrOpen)
        let deadline = SystemClock.monotonicNanoseconds() + UInt64(timeoutMs) * 1_000_000
        do throws(LedgerError) {
            while true {
                if try fileSystem.tryLockExclusive(fd, path: path) {
                    let lock = WriterLock(fileSystem: fileSystem, fd: fd, path: path)
                    try lock.recordHolder()
                    return lock
                }
                if SystemClock.monotonicNanoseconds() >= deadline { break }
                SystemClock.sleep(milliseconds: 10)
            }
        } catch {
            fileSystem.close(fd)
            throw error
        }
        let holder = (try? holderDescription(fileSystem, fd: fd, path: path)) ?? "another process"
        fileSystem.close(fd)
        if timeoutMs == 0 { return nil }
        throw LedgerError(.ledgerBusy, "the ledger is being written by \(holder); waited \(timeoutMs) ms for it to finish. Try again when it is done.",
                          details: ["lock": .string(path)])
    }

    /// Writes our pid into the lock file, for the next writer's message.
    private func recordHolder() throws(LedgerError) {
        let text = Array("pid \(CurrentProcess.id)\n".utf8)
        try fileSystem.ftruncate(fd, to: 0, path: path)
        try fileSystem.pwriteAll(fd, text, at: 0, path: path)
    }

    private static func holderDescription(_ fileSystem: any FileSystem, fd: Int32, path: String) throws(LedgerError) -> String {
        var buffer: [UInt8] = []
        try fileSystem.pread(fd, appendingTo: &buffer, count: 64, at: 0, path: path)
        let text = String(decoding: buffer, as: UTF8.self).trimmingNewlines
        return text.isEmpty ? "another process" : "another process (\(text))"
    }
}

extension String {
    var trimmingNewlines: String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
