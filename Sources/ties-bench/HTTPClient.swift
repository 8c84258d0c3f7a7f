import TiesSystem

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

    /// A failed socket call; a receive timeout says so rather than "EAGAIN".
    static func system(_ failure: SystemError) -> HTTPClientFailure {
        let reason = failure.isTimeout ? "timed out after \(HTTPClientLimits.socketTimeoutMs / 1000) s" : "\(failure.reason) (errno \(failure.errno))"
        return HTTPClientFailure(description: "\(failure.call): \(reason)")
    }
}

/// A blocking keep-alive connection to 127.0.0.1: one request, then its
/// whole response, then the next (no pipelining), over TiesSystem's
/// sockets. Not thread-safe: one thread owns a connection.
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
        if fd >= 0 { Socket.close(fd) }
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
        do {
            return try Socket.connect(host: "127.0.0.1", port: port, timeoutMs: HTTPClientLimits.socketTimeoutMs)
        } catch {
            throw .system(error)
        }
    }

    private func sendAll(_ bytes: [UInt8]) -> HTTPClientFailure? {
        do {
            try Socket.sendAll(fd, bytes)
            return nil
        } catch {
            return .system(error)
        }
    }

    /// Appends what the socket has (waiting at most the receive timeout).
    private func receiveMore() -> HTTPClientFailure? {
        let received: Int
        do {
            received = try Socket.receive(fd, into: chunk)
        } catch {
            return .system(error)
        }
        guard received > 0 else { return HTTPClientFailure(description: "recv: the server closed the connection mid-response") }
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<received]))
        return nil
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
