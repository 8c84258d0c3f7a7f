#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TiesCore

/// Every socket and signal syscall of the server, in one file: retried on
/// `EINTR`, sends looped until whole, failures as values. The parser and the
/// API never see a descriptor.
enum Socket {
    /// Opens a listening TCP socket on `host` (an IPv4 or IPv6 literal or a
    /// name such as `localhost`) and `port` (0 picks a free one).
    static func listen(host: String, port: UInt16, backlog: Int32 = 128) throws(LedgerError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw LedgerError(.invalidField, "cannot resolve host '\(host)': \(String(cString: gai_strerror(status)))", details: ["field": .string("host")])
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = 0
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            let fd = Glibc.socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { lastError = errno; continue }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if info.pointee.ai_family == AF_INET6 {
                setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            if bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 && Glibc.listen(fd, backlog) == 0 {
                return fd
            }
            lastError = errno
            Glibc.close(fd)
        }
        throw LedgerError(.ioError, "cannot listen on \(host):\(port): \(String(cString: strerror(lastError))) (errno \(lastError))",
                          details: ["syscall": .string("bind"), "errno": .int(Int64(lastError))])
    }

    /// The port a listening socket is bound to (for port 0).
    static func boundPort(_ fd: Int32) -> UInt16 {
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
    static func accept(_ listener: Int32) -> Int32? {
        while true {
            let fd = Glibc.accept(listener, nil, nil)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO: continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                // Out of descriptors: back off instead of spinning.
                sleepMilliseconds(50)
                continue
            default: return nil
            }
        }
    }

    enum Received {
        case bytes([UInt8])
        case closed
        case timedOut
        case failed
    }

    /// The timeouts last set on one connection: each is set only when it
    /// changes, which saves a syscall per read and per write on keep-alive
    /// connections.
    struct Timeouts {
        var receiveMs = -1
        var sendMs = -1
    }

    private static func setTimeout(_ fd: Int32, _ option: Int32, _ milliseconds: Int) {
        let clamped = max(1, milliseconds)
        var timeout = timeval(tv_sec: clamped / 1000, tv_usec: (clamped % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Receives what is available, waiting at most `timeoutMs`.
    static func receive(_ fd: Int32, maxBytes: Int, timeoutMs: Int, timeouts: inout Timeouts) -> Received {
        if timeouts.receiveMs != timeoutMs {
            setTimeout(fd, SO_RCVTIMEO, timeoutMs)
            timeouts.receiveMs = timeoutMs
        }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: maxBytes) { raw, initialized in
            initialized = 0
            while true {
                let result = recv(fd, raw.baseAddress!, maxBytes, 0)
                if result >= 0 {
                    initialized = result
                    return
                }
                if errno == EINTR { continue }
                failure = errno
                return
            }
        }
        if failure == EAGAIN || failure == EWOULDBLOCK { return .timedOut }
        if failure != 0 { return .failed }
        return bytes.isEmpty ? .closed : .bytes(bytes)
    }

    /// Sends all of `bytes` (MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE).
    @discardableResult
    static func send(_ fd: Int32, _ bytes: [UInt8], timeoutMs: Int, timeouts: inout Timeouts) -> Bool {
        if timeouts.sendMs != timeoutMs {
            setTimeout(fd, SO_SNDTIMEO, timeoutMs)
            timeouts.sendMs = timeoutMs
        }
        return bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let result = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                sent += result
            }
            return true
        }
    }

    /// Sends on a connection about to be closed (refusals, errors).
    @discardableResult
    static func sendOnce(_ fd: Int32, _ bytes: [UInt8], timeoutMs: Int) -> Bool {
        var timeouts = Timeouts()
        return send(fd, bytes, timeoutMs: timeoutMs, timeouts: &timeouts)
    }

    /// Wakes a thread blocked in `accept` or `recv` on `fd`.
    static func shutdown(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    static func sleepMilliseconds(_ milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }

    static func monotonicMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Stops the default action of SIGTERM/SIGINT (and SIGPIPE) so that
    /// dispatch signal sources can handle them.
    static func ignoreSignals(_ signals: [Int32]) {
        for number in signals { signal(number, SIG_IGN) }
    }

    static let terminationSignals: [Int32] = [SIGTERM, SIGINT]
    static let brokenPipe = SIGPIPE
}
