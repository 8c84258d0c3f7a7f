import Glibc

/// Every file syscall Ties makes (the swift-system habit): retried on
/// EINTR, short reads and writes looped until whole, failures returned as
/// `SystemError` naming the call, the path and errno. Descriptors are plain
/// `Int32`s owned by the caller, who closes them.
public enum Files {
    /// How a file is opened; the C flags stay in this file. Every mode adds
    /// `O_CLOEXEC`, so a child process never inherits a ledger file.
    ///
    /// The file modes add `O_NOFOLLOW` too: a ledger's files are its own,
    /// and a symbolic link planted in their place must not make Ties write
    /// (or cut off a "torn tail" of) a file elsewhere. Opening a link fails
    /// with `ELOOP` (`SystemError.isSymbolicLink`). Only
    /// `.readOnlyFollowingLinks` (files that are not the ledger's: one the
    /// user names on the command line, a device) and `.directory` (a ledger
    /// directory may well be a link) follow links.
    public enum OpenMode: Sendable {
        case readOnly, readWrite, createNew, createOrOpen, directory
        /// Read-only, following symbolic links: a file the user names
        /// (`ties import FILE`), `/dev/urandom`; never a ledger file.
        case readOnlyFollowingLinks

        var flags: Int32 {
            switch self {
            case .readOnly: return O_RDONLY | O_NOFOLLOW
            case .readWrite: return O_RDWR | O_NOFOLLOW
            case .createNew: return O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW
            case .createOrOpen: return O_CREAT | O_RDWR | O_NOFOLLOW
            case .directory: return O_RDONLY | O_DIRECTORY
            case .readOnlyFollowingLinks: return O_RDONLY
            }
        }
    }

    public static func open(_ path: String, _ mode: OpenMode) throws(SystemError) -> Int32 {
        let fd = retryingOnInterrupt { Glibc.open(path, mode.flags | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw SystemError("open", path) }
        return fd
    }

    public static func close(_ fd: Int32) {
        // Linux closes the descriptor even when close reports EINTR; retrying would close another file.
        _ = Glibc.close(fd)
    }

    /// Writes all of `bytes` at `offset`, looping over short writes. On
    /// failure some prefix may have been written.
    public static func pwriteAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int64, path: String) throws(SystemError) {
        let code: Int32 = bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return 0 }
            var written = 0
            while written < raw.count {
                let result = Glibc.pwrite(fd, base + written, raw.count - written, off_t(offset) + off_t(written))
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if result == 0 { return EIO }
                written += result
            }
            return 0
        }
        if code != 0 { throw SystemError("pwrite", path, errno: code) }
    }

    /// Appends up to `count` bytes read at `offset` to `buffer`; fewer only
    /// at end of file. Returns how many were read.
    @discardableResult
    public static func pread(_ fd: Int32, appendingTo buffer: inout [UInt8], count: Int, at offset: Int64, path: String) throws(SystemError) -> Int {
        // A negative offset can come from a damaged projection's metadata: an error, as the OS reports it.
        guard count >= 0, offset >= 0 else { throw SystemError("pread", path, errno: EINVAL) }
        var code: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: count) { raw, initialized in
            var total = 0
            while total < count, let base = raw.baseAddress {
                let result = Glibc.pread(fd, base + total, count - total, off_t(offset) + off_t(total))
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
        if code != 0 { throw SystemError("pread", path, errno: code) }
        append(chunk, to: &buffer)
        return chunk.count
    }

    /// Appends what is available, up to `count` bytes (pipes and terminals
    /// return short reads); 0 at the end of the input.
    public static func read(_ fd: Int32, appendingTo buffer: inout [UInt8], count: Int, path: String) throws(SystemError) -> Int {
        var code: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: count) { raw, initialized in
            initialized = 0
            guard let base = raw.baseAddress else { return }
            let result = retryingOnInterrupt { Glibc.read(fd, base, count) }
            if result >= 0 { initialized = result } else { code = errno }
        }
        if code != 0 { throw SystemError("read", path, errno: code) }
        append(chunk, to: &buffer)
        return chunk.count
    }

    private static func append(_ chunk: [UInt8], to buffer: inout [UInt8]) {
        if buffer.isEmpty { buffer = chunk } else { buffer.append(contentsOf: chunk) }
    }

    /// Reads a small file whole (a /proc file, a config file); fails past
    /// `bytesMax` rather than reading an unbounded amount.
    public static func readWhole(_ path: String, bytesMax: Int) throws(SystemError) -> [UInt8] {
        let fd = try open(path, .readOnly)
        defer { close(fd) }
        var bytes: [UInt8] = []
        while try read(fd, appendingTo: &bytes, count: 64 * 1024, path: path) > 0 {
            if bytes.count > bytesMax { throw SystemError("read", path, errno: EFBIG) }
        }
        return bytes
    }

    /// Flushes file data and the metadata needed to read it back (the size).
    public static func fdatasync(_ fd: Int32, path: String) throws(SystemError) {
        guard retryingOnInterrupt({ Glibc.fdatasync(fd) }) == 0 else { throw SystemError("fdatasync", path) }
    }

    /// Flushes data and metadata; on a directory descriptor, the names
    /// created, renamed and removed in it.
    public static func fsync(_ fd: Int32, path: String) throws(SystemError) {
        guard retryingOnInterrupt({ Glibc.fsync(fd) }) == 0 else { throw SystemError("fsync", path) }
    }

    public static func ftruncate(_ fd: Int32, to size: Int64, path: String) throws(SystemError) {
        guard size >= 0 else { throw SystemError("ftruncate", path, errno: EINVAL) }
        guard retryingOnInterrupt({ Glibc.ftruncate(fd, off_t(size)) }) == 0 else { throw SystemError("ftruncate", path) }
    }

    public static func size(_ fd: Int32, path: String) throws(SystemError) -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemError("fstat", path) }
        return Int64(info.st_size)
    }

    /// Size of a regular file; nil for pipes and terminals (unknown size).
    public static func regularFileSize(_ fd: Int32) -> Int64? {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    /// True when `path` itself is a symbolic link (`lstat`), dangling or not.
    public static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// What `stat` says about `path`; nil when nothing is there.
    public static func status(_ path: String) -> FileStatus? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStatus(isDirectory: (info.st_mode & S_IFMT) == S_IFDIR, size: Int64(info.st_size),
                          signature: [Int64(info.st_ino), Int64(info.st_size), Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec)])
    }

    /// Creates a directory; one that already exists is not an error.
    public static func makeDirectory(_ path: String) throws(SystemError) {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw SystemError("mkdir", path) }
    }

    public static func rename(_ from: String, _ to: String) throws(SystemError) {
        guard Glibc.rename(from, to) == 0 else { throw SystemError("rename", "\(from) → \(to)") }
    }

    /// Removes a file; one that does not exist is not an error.
    public static func unlink(_ path: String) throws(SystemError) {
        guard Glibc.unlink(path) == 0 || errno == ENOENT else { throw SystemError("unlink", path) }
    }

    /// The names in a directory (without `.` and `..`); empty if it does not exist.
    public static func listDirectory(_ path: String) throws(SystemError) -> [String] {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return [] }
            throw SystemError("opendir", path)
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

    /// Removes `path` and everything under it, without following symbolic
    /// links. Entries that vanish meanwhile (a server closing its SQLite
    /// files) are not errors; anything else is.
    public static func removeTree(_ path: String) throws(SystemError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw SystemError("lstat", path)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in try listDirectory(path) { try removeTree("\(path)/\(name)") }
            guard rmdir(path) == 0 || errno == ENOENT else { throw SystemError("rmdir", path) }
        } else {
            try unlink(path)
        }
    }

    /// Where temporary directories go: `$TMPDIR` if set and not empty, else /tmp.
    public static func temporaryParent(environment: [String: String]) -> String {
        environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// A new, empty, owner-only directory under `parent`.
    public static func makeTemporaryDirectory(under parent: String, prefix: String) throws(SystemError) -> String {
        var template = Array("\(parent)/\(prefix)XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let path = mkdtemp(base) else { return nil }
            return String(cString: path)
        }
        guard let made else { throw SystemError("mkdtemp", parent) }
        return made
    }
}
