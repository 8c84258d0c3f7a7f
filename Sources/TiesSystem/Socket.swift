import Glibc

/// Every socket call of the server and of its clients (tests, benchmark):
/// retried on EINTR, sends looped until whole, failures as values. The
/// HTTP parser and the API never see a descriptor.
public enum Socket {
    /// Opens a listening TCP socket on `host` (an IPv4 or IPv6 literal or a
    /// name such as `localhost`) and `port` (0 picks a free one).
    public static func listen(host: String, port: UInt16, backlog: Int32 = 128) throws(SystemError) -> Int32 {
        try firstSocket(host: host, port: port, passive: true, call: "bind") { fd, info in
            setOption(fd, SOL_SOCKET, SO_REUSEADDR)
            if info.ai_family == AF_INET6 { setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY) }
            return bind(fd, info.ai_addr, info.ai_addrlen) == 0 && Glibc.listen(fd, backlog) == 0
        }
    }

    /// Connects to `host:port` with `timeoutMs` bounding the connect and
    /// every later send and receive (on Linux SO_SNDTIMEO bounds connect).
    public static func connect(host: String, port: UInt16, timeoutMs: Int) throws(SystemError) -> Int32 {
        try firstSocket(host: host, port: port, passive: false, call: "connect") { fd, info in
            setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY)
            setTimeout(fd, SO_RCVTIMEO, timeoutMs)
            setTimeout(fd, SO_SNDTIMEO, timeoutMs)
            return retryingOnInterrupt({ Glibc.connect(fd, info.ai_addr, info.ai_addrlen) }) == 0
        }
    }

    /// A TCP socket for the first address `host:port` resolves to on which
    /// `use` succeeds; the error of the last failing `call` otherwise.
    private static func firstSocket(host: String, port: UInt16, passive: Bool, call: String,
                                    _ use: (Int32, addrinfo) -> Bool) throws(SystemError) -> Int32 {
        var lastError = SystemError(call, "\(host):\(port)", errno: EADDRNOTAVAIL)
        let addresses = try resolve(host: host, port: port, passive: passive)
        defer { freeaddrinfo(addresses) }
        var cursor: UnsafeMutablePointer<addrinfo>? = addresses
        while let info = cursor {
            cursor = info.pointee.ai_next
            let fd = Glibc.socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                lastError = SystemError("socket", host)
                continue
            }
            if use(fd, info.pointee) { return fd }
            let code = errno
            lastError = SystemError(call, "\(host):\(port)", errno: code)
            Glibc.close(fd)
        }
        throw lastError
    }

    private static func resolve(host: String, port: UInt16, passive: Bool) throws(SystemError) -> UnsafeMutablePointer<addrinfo> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = (passive ? AI_PASSIVE : 0) | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SystemError("getaddrinfo", host, reason: String(cString: gai_strerror(status)))
        }
        return first
    }

    private static func setOption(_ fd: Int32, _ level: Int32, _ option: Int32) {
        var one: Int32 = 1
        setsockopt(fd, level, option, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    private static func setTimeout(_ fd: Int32, _ option: Int32, _ milliseconds: Int) {
        let clamped = max(1, milliseconds)
        var timeout = timeval(tv_sec: clamped / 1000, tv_usec: (clamped % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The port a listening socket is bound to (for port 0).
    public static func boundPort(_ fd: Int32) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return 0 }
        let family = storage.ss_family
        return withUnsafePointer(to: &storage) { pointer in
            if family == sa_family_t(AF_INET6) {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
    }

    /// Waits for a connection; nil once the listener is shut down.
    public static func accept(_ listener: Int32) -> Int32? {
        while true {
            let fd = Glibc.accept(listener, nil, nil)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY)
                return fd
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO: continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                // Out of descriptors: back off instead of spinning.
                SystemClock.sleep(milliseconds: 50)
                continue
            default: return nil
            }
        }
    }

    public enum Received: Sendable, Equatable {
        case bytes([UInt8])
        case closed
        case timedOut
        case failed
    }

    /// The timeouts last set on one connection: each is set only when it
    /// changes, which saves a syscall per read and per write on keep-alive
    /// connections.
    public struct Timeouts: Sendable {
        var receiveMs = -1
        var sendMs = -1

        public init() {}
    }

    /// Receives what is available, waiting at most `timeoutMs`.
    public static func receive(_ fd: Int32, maxBytes: Int, timeoutMs: Int, timeouts: inout Timeouts) -> Received {
        if timeouts.receiveMs != timeoutMs {
            setTimeout(fd, SO_RCVTIMEO, timeoutMs)
            timeouts.receiveMs = timeoutMs
        }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: maxBytes) { raw, initialized in
            initialized = 0
            guard let base = raw.baseAddress else { return }
            let result = retryingOnInterrupt { recv(fd, base, maxBytes, 0) }
            if result >= 0 { initialized = result } else { failure = errno }
        }
        if failure == EAGAIN || failure == EWOULDBLOCK { return .timedOut }
        if failure != 0 { return .failed }
        return bytes.isEmpty ? .closed : .bytes(bytes)
    }

    /// Receives into `chunk` (a buffer the caller reuses); the number of
    /// bytes, 0 when the peer closed. Waits at most the socket's receive
    /// timeout (`isTimeout` on the error).
    public static func receive(_ fd: Int32, into chunk: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        guard let base = chunk.baseAddress else { return 0 }
        let result = retryingOnInterrupt { recv(fd, base, chunk.count, 0) }
        guard result >= 0 else { throw SystemError("recv", "socket") }
        return result
    }

    public enum Readiness: Sendable, Equatable {
        case readable
        case timedOut
        case failed(SystemError)
    }

    /// Waits up to `timeoutMs` for `fd` to have bytes (or an end) to read.
    public static func waitReadable(_ fd: Int32, timeoutMs: Int) -> Readiness {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = retryingOnInterrupt { poll(&poller, 1, Int32(clamping: max(0, timeoutMs))) }
        if ready < 0 { return .failed(SystemError("poll", "socket")) }
        return ready == 0 ? .timedOut : .readable
    }

    /// Sends all of `bytes` (MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE).
    @discardableResult
    public static func send(_ fd: Int32, _ bytes: [UInt8], timeoutMs: Int, timeouts: inout Timeouts) -> Bool {
        if timeouts.sendMs != timeoutMs {
            setTimeout(fd, SO_SNDTIMEO, timeoutMs)
            timeouts.sendMs = timeoutMs
        }
        do {
            try sendAll(fd, bytes)
            return true
        } catch {
            return false
        }
    }

    /// Sends on a connection about to be closed (refusals, errors).
    @discardableResult
    public static func sendOnce(_ fd: Int32, _ bytes: [UInt8], timeoutMs: Int) -> Bool {
        var timeouts = Timeouts()
        return send(fd, bytes, timeoutMs: timeoutMs, timeouts: &timeouts)
    }

    /// Sends all of `bytes` under the socket's send timeout.
    public static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws(SystemError) {
        let code: Int32 = bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return 0 }
            var sent = 0
            while sent < raw.count {
                let result = Glibc.send(fd, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                sent += result
            }
            return 0
        }
        if code != 0 { throw SystemError("send", "socket", errno: code) }
    }

    /// Ends the sending side only (the peer reads end of stream).
    public static func shutdownWrites(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// Wakes a thread blocked in `accept` or `recv` on `fd`.
    public static func shutdown(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }
}
