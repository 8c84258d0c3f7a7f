import Glibc

/// Unix-domain stream sockets: how the CLI hands writes to the `ties serve`
/// that holds a ledger. Only processes of the server's own user may connect
/// (the socket file is owner-only, and the peer's uid is checked).
public enum UnixSocket {
    /// Binds and listens at `path`, replacing a file a dead server left
    /// there, with the socket file made owner-only before anyone can connect
    /// (a socket accepts connections only once it listens).
    public static func listen(path: String, backlog: Int32 = 64) throws(SystemError) -> Int32 {
        let fd = try socket(path)
        do throws(SystemError) {
            if unlink(path) != 0 && errno != ENOENT { throw SystemError("unlink", path) }
            try withAddress(path) { (address, length) throws(SystemError) in
                guard bind(fd, address, length) == 0 else { throw SystemError("bind", path) }
            }
            guard chmod(path, 0o600) == 0 else { throw SystemError("chmod", path) }
            guard Glibc.listen(fd, backlog) == 0 else { throw SystemError("listen", path) }
            return fd
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// Connects to the socket at `path`, with `timeoutMs` bounding every
    /// later send and receive. Nil when nothing listens there (no file, or
    /// the file of a server that is gone).
    public static func connect(path: String, timeoutMs: Int) throws(SystemError) -> Int32? {
        let fd = try socket(path)
        var timeout = timeval(tv_sec: max(1, timeoutMs) / 1000, tv_usec: (max(1, timeoutMs) % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        do throws(SystemError) {
            let connected = try withAddress(path) { (address, length) throws(SystemError) -> Bool in
                if retryingOnInterrupt({ Glibc.connect(fd, address, length) }) == 0 { return true }
                switch errno {
                case ENOENT, ECONNREFUSED, ENOTDIR: return false
                default: throw SystemError("connect", path)
                }
            }
            if connected { return fd }
            Glibc.close(fd)
            return nil
        } catch where error.call == "open" && (error.errno == ENOENT || error.errno == ENOTDIR) {
            // A long path's directory that does not exist: no server there either.
            Glibc.close(fd)
            return nil
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// The owner of the socket file at `path`; nil when there is none.
    public static func socketOwner(path: String) -> UInt32? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK else { return nil }
        return status.st_uid
    }

    /// The user id of the process at the other end of a connection.
    public static func peerUserID(_ fd: Int32) -> UInt32? {
        // `struct ucred` is { pid_t pid; uid_t uid; gid_t gid; } (glibc
        // declares it only under _GNU_SOURCE, which Swift's Glibc lacks).
        var credentials: (pid: Int32, uid: UInt32, gid: UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0, length == 12 else { return nil }
        return credentials.uid
    }

    /// This process's effective user id, which a peer must share.
    public static var ownUserID: UInt32 { geteuid() }

    /// Removes the socket file (a stopping server).
    public static func remove(path: String) {
        _ = unlink(path)
    }

    /// Linux's `O_PATH` (also under _GNU_SOURCE only): a descriptor that
    /// names a directory without reading it.
    private static let openPathOnly: Int32 = 0o10_000_000

    private static func socket(_ path: String) throws(SystemError) -> Int32 {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket", path) }
        return fd
    }

    /// Runs `body` with the `sockaddr_un` of `path`. A path longer than
    /// `sun_path` (108 bytes) is reached through `/proc/self/fd/N/` of its
    /// directory, opened for the call.
    private static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) throws(SystemError) -> T) throws(SystemError) -> T {
        var address = sockaddr_un()
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        var directoryFD: Int32 = -1
        defer { if directoryFD >= 0 { Glibc.close(directoryFD) } }
        var name = Array(path.utf8)
        if name.count >= capacity {
            let slash = name.lastIndex(of: UInt8(ascii: "/")) ?? -1
            let directory = slash > 0 ? String(decoding: name[..<slash], as: UTF8.self) : (slash == 0 ? "/" : ".")
            directoryFD = open(directory, openPathOnly | O_DIRECTORY | O_CLOEXEC)
            guard directoryFD >= 0 else { throw SystemError("open", directory) }
            name = Array("/proc/self/fd/\(directoryFD)/".utf8) + name[(slash + 1)...]
            guard name.count < capacity else { throw SystemError("bind", path, errno: ENAMETOOLONG) }
        }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: name)
            raw[name.count] = 0
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count + 1)
        return try withUnsafePointer(to: &address) { pointer throws(SystemError) -> T in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(SystemError) -> T in try body(raw, length) }
        }
    }
}
