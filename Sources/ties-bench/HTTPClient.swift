import Glibc

/// One HTTP/1.1 response as the load client reads it.
struct HTTPClientResponse {
    var status: Int
    var body: [UInt8]
    /// `Connection: close` (or HTTP/1.0): the server will not read another request.
    var closes: Bool
}

/// Why an exchange failed; `description` is stable so equal failures group.
struct HTTPClientFailure: Error, CustomStringConvertible {
    var description: String

    static func syscall(_ name: String, _ number: Int32) -> HTTPClientFailure {
        let reason = number == EAGAIN || number == EWOULDBLOCK
            ? "timed out after \(HTTPClientLimits.socketTimeoutMs / 1000) s"
            : "\(String(cString: strerror(number))) (errno \(number))"
        return HTTPClientFailure(description: "\(name): \(reason)")
    }
}

/// A blocking keep-alive connection to 127.0.0.1: one request, then its
/// whole response, then the next (no pipelining). Every socket syscall of
/// the benchmark is in this file, retried on `EINTR`, sends looped until
/// whole. Not thread-safe: one thread owns a connection.
final class HTTPClientConnection {
    private var fd: Int32
    /// Received and not yet consumed.
    private var buffer: [UInt8] = []
    private let chunk: UnsafeMutableRawBufferPointer

    init(port: UInt16) throws(HTTPClientFailure) {
        fd = try Self.connectLoopback(port: port)
        chunk = .allocate(byteCount: HTTPClientLimits.receiveChunkBytes, alignment: 16)
        buffer.reserveCapacity(HTTPClientLimits.receiveChunkBytes)
    }

    deinit {
        close()
        chunk.deallocate()
    }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
        buffer.removeAll(keepingCapacity: true)
    }

    /// Sends `request` and reads its response.
    func exchange(_ request: [UInt8]) -> Result<HTTPClientResponse, HTTPClientFailure> {
        guard fd >= 0 else { return .failure(HTTPClientFailure(description: "connection already closed")) }
        if let failure = sendAll(request) { return .failure(failure) }
        return readResponse()
    }

    private static func connectLoopback(port: UInt16) throws(HTTPClientFailure) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .syscall("socket", errno) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // On Linux SO_SNDTIMEO also bounds connect(2).
        let ms = HTTPClientLimits.socketTimeoutMs
        var timeout = timeval(tv_sec: ms / 1000, tv_usec: (ms % 1000) * 1000)
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            setsockopt(fd, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var result: Int32 = -1
        repeat {
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        } while result < 0 && errno == EINTR
        guard result == 0 else {
            let failure = HTTPClientFailure.syscall("connect", errno)
            _ = Glibc.close(fd)
            throw failure
        }
        return fd
    }

    private func sendAll(_ bytes: [UInt8]) -> HTTPClientFailure? {
        bytes.withUnsafeBytes { raw -> HTTPClientFailure? in
            var sent = 0
            while sent < raw.count {
                let result = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if result < 0 {
                    if errno == EINTR { continue }
                    return .syscall("send", errno)
                }
                sent += result
            }
            return nil
        }
    }

    /// Appends what the socket has (waiting at most the receive timeout).
    private func receiveMore() -> HTTPClientFailure? {
        while true {
            let result = recv(fd, chunk.baseAddress!, chunk.count, 0)
            if result > 0 {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<result]))
                return nil
            }
            if result == 0 { return HTTPClientFailure(description: "recv: the server closed the connection mid-response") }
            if errno == EINTR { continue }
            return .syscall("recv", errno)
        }
    }

    private func readResponse() -> Result<HTTPClientResponse, HTTPClientFailure> {
        let headerEnd: Int
        switch receiveHead() {
        case .success(let end): headerEnd = end
        case .failure(let failure): return .failure(failure)
        }
        let head: ResponseHead
        switch ResponseHead.parse(buffer[..<headerEnd]) {
        case .success(let parsed): head = parsed
        case .failure(let failure): return .failure(failure)
        }
        let total = headerEnd + head.contentLength
        while buffer.count < total {
            if let failure = receiveMore() { return .failure(failure) }
        }
        let body = Array(buffer[headerEnd..<total])
        buffer.removeFirst(total)
        return .success(HTTPClientResponse(status: head.status, body: body, closes: head.closes))
    }

    /// Receives until the buffer holds a whole head; returns where it ends.
    private func receiveHead() -> Result<Int, HTTPClientFailure> {
        var searchFrom = 0
        while true {
            if let end = Self.headerEnd(buffer, from: searchFrom) { return .success(end) }
            guard buffer.count <= HTTPClientLimits.headerBytesMax else {
                return .failure(HTTPClientFailure(description: "response header section over \(HTTPClientLimits.headerBytesMax) bytes"))
            }
            searchFrom = max(0, buffer.count - 3)
            if let failure = receiveMore() { return .failure(failure) }
        }
    }

    /// The index just past `\r\n\r\n`, searching from `start`.
    private static func headerEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = start
        while index + 3 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 { return index + 4 }
            index += 1
        }
        return nil
    }
}

/// The parts of a response head the load needs: status, body length, and
/// whether the connection stays open. The server always frames with
/// `Content-Length`; anything else is reported, not decoded.
struct ResponseHead: Equatable {
    var status: Int
    var contentLength: Int
    var closes: Bool

    /// Parses the head up to and including its blank line. Scans the bytes
    /// in place: the client runs on the same two CPUs as the server, so its
    /// cost is taken from the measurement.
    static func parse(_ bytes: ArraySlice<UInt8>) -> Result<ResponseHead, HTTPClientFailure> {
        var lines = HeadLines(bytes)
        guard let statusLine = lines.next(), statusLine.count >= 12, statusLine.starts(with: "HTTP/1.".utf8),
              let status = decimal(statusLine.dropFirst(9).prefix(3)), (100...599).contains(status) else {
            return .failure(HTTPClientFailure(description: "malformed status line"))
        }
        var head = ResponseHead(status: status, contentLength: 0, closes: statusLine.starts(with: "HTTP/1.0".utf8))
        var sawLength = false
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(HTTPClientFailure(description: "malformed header line"))
            }
            let name = line[..<colon]
            let value = trimmed(line[(colon + 1)...])
            if named(name, "content-length") {
                guard let length = decimal(value), length <= HTTPClientLimits.bodyBytesMax else {
                    return .failure(HTTPClientFailure(description: "Content-Length not a number or over \(HTTPClientLimits.bodyBytesMax) bytes"))
                }
                head.contentLength = length
                sawLength = true
            } else if named(name, "transfer-encoding") {
                return .failure(HTTPClientFailure(description: "Transfer-Encoding in a response (the server frames with Content-Length)"))
            } else if named(name, "connection") {
                if String(decoding: value, as: UTF8.self).lowercased().contains("close") { head.closes = true }
            }
        }
        let bodyless = status < 200 || status == 204 || status == 304
        guard sawLength || bodyless else { return .failure(HTTPClientFailure(description: "response without Content-Length")) }
        return .success(head)
    }

    /// The non-empty lines of a head, without their CR LF.
    private struct HeadLines: IteratorProtocol {
        var rest: ArraySlice<UInt8>
        init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

        mutating func next() -> ArraySlice<UInt8>? {
            while !rest.isEmpty {
                let end = rest.firstIndex(of: 10) ?? rest.endIndex
                var line = rest[..<end]
                rest = end < rest.endIndex ? rest[(end + 1)...] : []
                if line.last == 13 { line = line.dropLast() }
                if !line.isEmpty { return line }
            }
            return nil
        }
    }

    /// 1 to 18 ASCII digits; nil for anything else (no sign, no spaces).
    private static func decimal(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// ASCII case-insensitive comparison with a lowercase `name`.
    private static func named(_ bytes: ArraySlice<UInt8>, _ name: String) -> Bool {
        bytes.count == name.utf8.count && zip(bytes, name.utf8).allSatisfy { ((65...90).contains($0) ? $0 | 0x20 : $0) == $1 }
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let blank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) }) else { return [] }
        return bytes[first...last]
    }
}
