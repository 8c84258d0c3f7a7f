#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TiesCore

/// Every syscall Ties makes, in one file (the swift-system habit): retried
/// on `EINTR`, short writes looped until whole, failures turned into
/// `io_error` values naming the syscall, the path and errno. The store
/// reaches ledger files through `FileSystem`, whose real implementation
/// (`PosixFileSystem`) forwards here.
enum Syscalls {
    static func failure(_ call: String, _ path: String, _ code: Int32 = errno) -> LedgerError {
        let reason = String(cString: strerror(code))
        return LedgerError(.ioError, "\(call)(\(path)) failed: \(reason) (errno \(code))", details: [
            "syscall": .string(call), "path": .string(path), "errno": .int(Int64(code)),
        ])
    }

    static func retrying(_ body: () -> Int32) -> Int32 {
        while true {
            let result = body()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    /// How the store opens files; the C flags stay in this file.
    enum OpenMode {
        case readOnly, readWrite, createNew, createOrOpen, directory

        var flags: Int32 {
            switch self {
            case .readOnly: return O_RDONLY
            case .readWrite: return O_RDWR
            case .createNew: return O_CREAT | O_EXCL | O_WRONLY
            case .createOrOpen: return O_CREAT | O_RDWR
            case .directory: return O_RDONLY | O_DIRECTORY
            }
        }
    }

    static func open(_ path: String, _ mode: OpenMode) throws(LedgerError) -> Int32 {
        let fd = retrying { Glibc.open(path, mode.flags | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw failure("open", path) }
        return fd
    }

    static func close(_ fd: Int32) {
        // Linux closes the descriptor even when close reports EINTR; retrying would close another file.
        _ = Glibc.close(fd)
    }

    /// Writes all of `bytes` at `offset`, looping over short writes.
    static func pwriteAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int64, path: String) throws(LedgerError) {
        let code: Int32 = bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let result = Glibc.pwrite(fd, raw.baseAddress! + written, raw.count - written, off_t(offset) + off_t(written))
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if result == 0 { return EIO }
                written += result
            }
            return 0
        }
        if code != 0 { throw failure("pwrite", path, code) }
    }

    /// Appends up to `count` bytes read at `offset` to `buffer`; fewer only
    /// at end of file. Returns how many were read.
    @discardableResult
    static func pread(_ fd: Int32, appendingTo buffer: inout [UInt8], count: Int, at offset: Int64, path: String) throws(LedgerError) -> Int {
        var code: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: count) { raw, initialized in
            var total = 0
            while total < count {
                let result = Glibc.pread(fd, raw.baseAddress! + total, count - total, off_t(offset) + off_t(total))
                if result < 0 {
                    if errno == EINTR { continue }
                    code = errno
                    break
                }
                if result == 0 { break }
                total += result
            }
            initialized = total
        }
        if code != 0 { throw failure("pread", path, code) }
        append(chunk, to: &buffer)
        return chunk.count
    }

    private static func append(_ chunk: [UInt8], to buffer: inout [UInt8]) {
        if buffer.isEmpty { buffer = chunk } else { buffer.append(contentsOf: chunk) }
    }

    /// Flushes file data and the metadata needed to read it back (the size).
    static func fdatasync(_ fd: Int32, path: String) throws(LedgerError) {
        guard retrying({ Glibc.fdatasync(fd) }) == 0 else { throw failure("fdatasync", path) }
    }

    static func fsync(_ fd: Int32, path: String) throws(LedgerError) {
        guard retrying({ Glibc.fsync(fd) }) == 0 else { throw failure("fsync", path) }
    }

    static func ftruncate(_ fd: Int32, to size: Int64, path: String) throws(LedgerError) {
        guard retrying({ Glibc.ftruncate(fd, off_t(size)) }) == 0 else { throw failure("ftruncate", path) }
    }

    static func fileSize(_ fd: Int32, path: String) throws(LedgerError) -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("fstat", path) }
        return Int64(info.st_size)
    }

    /// What `stat` says about `path`; nil when nothing is there.
    static func status(_ path: String) -> FileStatus? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStatus(isDirectory: (info.st_mode & S_IFMT) == S_IFDIR, size: Int64(info.st_size),
                          signature: [Int64(info.st_ino), Int64(info.st_size), Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec)])
    }

    static func makeDirectory(_ path: String) throws(LedgerError) {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw failure("mkdir", path) }
    }

    static func rename(_ from: String, _ to: String) throws(LedgerError) {
        guard Glibc.rename(from, to) == 0 else { throw failure("rename", "\(from) → \(to)") }
    }

    static func unlink(_ path: String) throws(LedgerError) {
        guard Glibc.unlink(path) == 0 || errno == ENOENT else { throw failure("unlink", path) }
    }

    /// Takes the exclusive writer lock without blocking; false when another
    /// process holds it. flock (not fcntl) locks survive other descriptors
    /// to the same file being closed.
    static func tryLockExclusive(_ fd: Int32, path: String) throws(LedgerError) -> Bool {
        if retrying({ flock(fd, LOCK_EX | LOCK_NB) }) == 0 { return true }
        if errno == EWOULDBLOCK { return false }
        throw failure("flock", path)
    }

    static func unlock(_ fd: Int32) {
        _ = flock(fd, LOCK_UN)
    }

    static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }

    static func processID() -> Int32 { getpid() }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// The wall clock, for commit times (the ledger keeps them non-decreasing).
    static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// A monotonic clock in nanoseconds, for timeouts and rates.
    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// The name of the OS user, the default actor.
    static func userName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return "uid-\(geteuid())"
    }
}


extension Syscalls {
    /// Appends what is available, up to `count` bytes (pipes and terminals
    /// return short reads); 0 at the end of the input.
    static func read(_ fd: Int32, appendingTo buffer: inout [UInt8], count: Int, path: String) throws(LedgerError) -> Int {
        var code: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: count) { raw, initialized in
            initialized = 0
            while true {
                let result = Glibc.read(fd, raw.baseAddress!, count)
                if result >= 0 {
                    initialized = result
                    return
                }
                if errno != EINTR {
                    code = errno
                    return
                }
            }
        }
        if code != 0 { throw failure("read", path, code) }
        append(chunk, to: &buffer)
        return chunk.count
    }

    static let standardInput: Int32 = 0

    /// Size of a regular file; nil for pipes and terminals (unknown size).
    static func regularFileSize(_ fd: Int32) -> Int64? {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }
}

extension Syscalls {
    /// `write` loop for streams (pipes, terminals), where offsets mean nothing.
    /// False when the stream is gone (EPIPE) or failing.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let result = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += result
            }
            return true
        }
    }

    /// SIGPIPE would kill the CLI when its output pipe closes (`ties log | head`);
    /// ignoring it turns that into an EPIPE error the CLI handles.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}

extension Syscalls {
    static func makeTemporaryDirectory(under parent: String, prefix: String) throws(LedgerError) -> String {
        var template = Array("\(parent)/\(prefix)XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw failure("mkdtemp", parent) }
        return String(cString: template)
    }
}

extension Syscalls {
    /// Cryptographically secure random bytes from the kernel (/dev/urandom).
    static func randomBytes(_ count: Int) throws(LedgerError) -> [UInt8] {
        let path = "/dev/urandom"
        let fd = try open(path, .readOnly)
        defer { close(fd) }
        var bytes: [UInt8] = []
        while bytes.count < count {
            guard try read(fd, appendingTo: &bytes, count: count - bytes.count, path: path) > 0 else {
                throw failure("read", path, EIO)
            }
        }
        return bytes
    }
}

extension Syscalls {
    /// The names in a directory (without `.` and `..`); empty if it does not exist.
    static func listDirectory(_ path: String) throws(LedgerError) -> [String] {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return [] }
            throw failure("opendir", path)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
