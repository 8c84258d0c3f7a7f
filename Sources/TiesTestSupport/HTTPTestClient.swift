import TiesCore
import TiesSystem

/// A blocking HTTP/1.1 client on one TCP connection, for tests and the
/// bench: it sends exactly the bytes it is given (malformed requests,
/// pipelines, bodies in pieces) and reads responses framed by
/// `Content-Length`, keeping any bytes after one for the next. Every wait
/// has a deadline. Not thread-safe: one thread owns a client.
///
/// The head is scanned in place and header fields are decoded only when
/// asked for: the bench runs this client on the CPUs it measures.
public final class HTTPTestClient {
    /// Why an exchange failed.
    public struct Failure: Error, CustomStringConvertible {
        /// The same words for the same failure, so failures can be counted by kind.
        public var reason: String
        /// What was received so far, for a test's message.
        public var context: String?

        public init(_ reason: String, context: String? = nil) {
            self.reason = reason
            self.context = context
        }

        public var description: String { context.map { "\(reason) (\($0))" } ?? reason }
    }

    public struct Limits: Sendable {
        /// The longest response head accepted.
        public var headBytesMax = 64 * 1024
        /// The largest `Content-Length` accepted.
        public var bodyBytesMax = 256 << 20
        /// How much one `recv` asks for.
        public var receiveChunkBytes = 64 * 1024

        public init(headBytesMax: Int = 64 * 1024, bodyBytesMax: Int = 256 << 20, receiveChunkBytes: Int = 64 * 1024) {
            self.headBytesMax = headBytesMax
            self.bodyBytesMax = bodyBytesMax
            self.receiveChunkBytes = receiveChunkBytes
        }
    }

    public let host: String
    public let port: UInt16
    /// Bounds connect and each send, and is the default for reads.
    public let timeoutMs: Int
    private let limits: Limits
    private var fd: Int32
    /// Received and not yet consumed.
    private var buffer: [UInt8] = []
    private let chunk: UnsafeMutableRawBufferPointer

    /// Generous, for a loaded machine: a wait that is met ends when it is met.
    public static let defaultTimeoutMs = 30_000

    /// Connects to `host` (a numeric IPv4 or IPv6 address) and `port`.
    public init(host: String = "127.0.0.1", port: UInt16, timeoutMs: Int = defaultTimeoutMs, limits: Limits = Limits()) throws(Failure) {
        self.host = host
        self.port = port
        self.timeoutMs = timeoutMs
        self.limits = limits
        fd = try Self.connect(host: host, port: port, timeoutMs: timeoutMs)
        chunk = .allocate(byteCount: limits.receiveChunkBytes, alignment: 16)
    }

    deinit {
        close()
        chunk.deallocate()
    }

    public var isOpen: Bool { fd >= 0 }

    public func close() {
        if fd >= 0 { Socket.close(fd) }
        fd = -1
    }

    /// Bytes received after the last response read, not yet consumed.
    public var leftover: [UInt8] { buffer }

    // MARK: Sending

    /// Sends all of `bytes`; throws when the peer is gone or the send times out.
    public func send(_ bytes: [UInt8]) throws(Failure) {
        guard fd >= 0 else { throw Failure("send: the connection is closed") }
        do {
            try Socket.sendAll(fd, bytes)
        } catch {
            throw Self.systemFailure(error, timeoutMs: timeoutMs)
        }
    }

    public func send(_ text: String) throws(Failure) { try send(Array(text.utf8)) }

    /// Sends `request` and reads its response.
    public func exchange(_ request: [UInt8], timeoutMs: Int? = nil) throws(Failure) -> HTTPTestResponse {
        try send(request)
        return try readResponse(timeoutMs: timeoutMs)
    }

    // MARK: Receiving

    /// Reads one response (an interim 1xx is one too), waiting at most
    /// `timeoutMs` (default: the client's) for the whole of it. `headOnly`:
    /// the answer to a HEAD, whose `Content-Length` announces no body.
    public func readResponse(timeoutMs: Int? = nil, headOnly: Bool = false) throws(Failure) -> HTTPTestResponse {
        let allowedMs = timeoutMs ?? self.timeoutMs
        let deadline = Deadline(fromNowMs: allowedMs)
        var searchFrom = 0
        let headEnd: Int
        while true {
            if let end = Self.headEnd(buffer, from: searchFrom) {
                headEnd = end
                break
            }
            guard buffer.count <= limits.headBytesMax else {
                throw Failure("response head over \(limits.headBytesMax) bytes")
            }
            searchFrom = max(0, buffer.count - 3)
            try receive(deadline, allowedMs: allowedMs)
        }
        var response = try HTTPTestResponse.parseHead(buffer[..<headEnd], bodyBytesMax: limits.bodyBytesMax)
        let length = response.status < 200 || headOnly ? 0 : response.contentLength
        let total = headEnd + length
        while buffer.count < total { try receive(deadline, allowedMs: allowedMs) }
        response.body = Array(buffer[headEnd..<total])
        buffer.removeFirst(total)
        return response
    }

    /// True when the peer closes (or resets) the connection within
    /// `timeoutMs` (default: the client's) without sending anything more.
    public func closesWithoutMoreBytes(timeoutMs: Int? = nil) -> Bool {
        guard buffer.isEmpty else { return false }
        let deadline = Deadline(fromNowMs: timeoutMs ?? self.timeoutMs)
        while true {
            switch fill(deadline) {
            case .closed, .failed: return buffer.isEmpty
            case .timedOut: return false
            case .bytes: if !buffer.isEmpty { return false }
            }
        }
    }

    /// Whether no byte arrives within `timeoutMs` (a close counts as nothing).
    public func receivesNothing(withinMs timeoutMs: Int) -> Bool {
        guard buffer.isEmpty else { return false }
        let deadline = Deadline(fromNowMs: timeoutMs)
        while true {
            switch fill(deadline) {
            case .timedOut, .closed, .failed: return buffer.isEmpty
            case .bytes: if !buffer.isEmpty { return false }
            }
        }
    }

    private enum Fill { case bytes, closed, timedOut, failed(SystemError) }

    /// Waits until `deadline` for bytes and appends what one `recv` gives.
    private func fill(_ deadline: Deadline) -> Fill {
        guard fd >= 0 else { return .closed }
        while true {
            switch Socket.waitReadable(fd, timeoutMs: deadline.remainingMs) {
            case .failed(let failure): return .failed(failure)
            case .timedOut:
                // poll rounds to whole milliseconds: only a passed deadline is a timeout.
                if deadline.hasPassed { return .timedOut }
                continue
            case .readable: break
            }
            let count: Int
            do {
                count = try Socket.receive(fd, into: chunk)
            } catch {
                if error.isTimeout { continue }
                return .failed(error)
            }
            if count == 0 { return .closed }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<count]))
            return .bytes
        }
    }

    private func receive(_ deadline: Deadline, allowedMs: Int) throws(Failure) {
        switch fill(deadline) {
        case .bytes: return
        case .closed: throw Failure("recv: the server closed the connection mid-response", context: received)
        case .timedOut: throw Failure("recv: no complete response within \(allowedMs) ms", context: received)
        case .failed(let failure): throw Self.systemFailure(failure, timeoutMs: allowedMs)
        }
    }

    private var received: String {
        buffer.isEmpty ? "nothing received" : "received \(buffer.count) bytes: \(String(decoding: buffer.prefix(300), as: UTF8.self))"
    }

    /// The index just past `\r\n\r\n`, searching from `start`.
    private static func headEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 3 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 { return index + 4 }
            index += 1
        }
        return nil
    }

    // MARK: Connecting

    private static func connect(host: String, port: UInt16, timeoutMs: Int) throws(Failure) -> Int32 {
        do {
            return try Socket.connect(host: host, port: port, timeoutMs: timeoutMs)
        } catch {
            throw systemFailure(error, timeoutMs: timeoutMs)
        }
    }

    private static func systemFailure(_ failure: SystemError, timeoutMs: Int) -> Failure {
        let reason = failure.isTimeout ? "timed out after \(timeoutMs) ms" : "\(failure.reason) (errno \(failure.errno))"
        return Failure("\(failure.call): \(reason)")
    }
}

/// One response as read off the wire.
public struct HTTPTestResponse: Sendable, CustomStringConvertible {
    public var status: Int
    public var body: [UInt8]
    /// `Connection: close`, or an HTTP/1.0 answer without keep-alive: the
    /// server reads no further request on this connection.
    public var closes: Bool
    /// The header lines (without the status line), decoded by `headers`.
    private var headerSection: [UInt8]
    var contentLength = 0

    /// A response made in the test (from an in-process handler, say).
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.body = body
        headerSection = Array(headers.map { "\($0.name): \($0.value)\r\n" }.joined().utf8)
        closes = headers.contains { $0.name.lowercased() == "connection" && $0.value.lowercased().contains("close") }
        contentLength = body.count
    }

    /// Header names lowercased, the first value of each.
    public var headers: [String: String] {
        var headers: [String: String] = [:]
        for line in String(decoding: headerSection, as: UTF8.self).split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            if headers[name] == nil { headers[name] = String(line[line.index(after: colon)...]).trimmingBlanks }
        }
        return headers
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var json: JSONDoc { JSONDoc(try? JSONParser.parse(body)) }
    /// The `code` of a problem+json answer.
    public var code: String? { json["code"].string }
    public var contentType: String? { headers["content-type"] }

    public var description: String { "\(status) \(headers) \(text.prefix(600))" }

    /// Parses a head up to and including its blank line. The server frames
    /// every response with `Content-Length`; anything else is reported.
    static func parseHead(_ bytes: ArraySlice<UInt8>, bodyBytesMax: Int) throws(HTTPTestClient.Failure) -> HTTPTestResponse {
        var lines = HeadLines(bytes)
        guard let statusLine = lines.next(), statusLine.count >= 12, statusLine.starts(with: "HTTP/1.".utf8),
              let status = decimal(statusLine.dropFirst(9).prefix(3)), (100...599).contains(status) else {
            throw HTTPTestClient.Failure("malformed status line", context: String(decoding: bytes.prefix(200), as: UTF8.self))
        }
        let http10 = statusLine.starts(with: "HTTP/1.0".utf8)
        var response = HTTPTestResponse(status: status, body: [], closes: http10,
                                        headerSection: Array(bytes.dropFirst(statusLine.count + 2)))
        var sawLength = false
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw HTTPTestClient.Failure("malformed header line", context: String(decoding: line, as: UTF8.self))
            }
            let name = line[..<colon]
            let value = trimmed(line[(colon + 1)...])
            if named(name, "content-length") {
                guard let length = decimal(value), length <= bodyBytesMax else {
                    throw HTTPTestClient.Failure("Content-Length not a number or over \(bodyBytesMax) bytes")
                }
                response.contentLength = length
                sawLength = true
            } else if named(name, "transfer-encoding") {
                throw HTTPTestClient.Failure("Transfer-Encoding in a response (the server frames with Content-Length)")
            } else if named(name, "connection") {
                let tokens = String(decoding: value, as: UTF8.self).lowercased()
                if tokens.contains("close") { response.closes = true }
                if http10 && tokens.contains("keep-alive") { response.closes = false }
            }
        }
        let bodyless = status < 200 || status == 204 || status == 304
        guard sawLength || bodyless else { throw HTTPTestClient.Failure("response without Content-Length") }
        return response
    }

    private init(status: Int, body: [UInt8], closes: Bool, headerSection: [UInt8]) {
        self.status = status
        self.body = body
        self.closes = closes
        self.headerSection = headerSection
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

/// Requests as bytes for the wire.
public enum HTTPWire {
    /// `METHOD TARGET VERSION`, `Host`, an optional bearer token, `headers`,
    /// and with a body `Content-Type: application/json` and its `Content-Length`.
    public static func request(_ method: String, _ target: String, body: [UInt8]?, token: String? = nil,
                               headers: [(String, String)] = [], version: String = "HTTP/1.1") -> [UInt8] {
        var head = "\(method) \(target) \(version)\r\nHost: localhost\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        guard let body else { return Array((head + "\r\n").utf8) }
        head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    public static func request(_ method: String, _ target: String, body: String? = nil, token: String? = nil,
                               headers: [(String, String)] = [], version: String = "HTTP/1.1") -> [UInt8] {
        request(method, target, body: body.map { Array($0.utf8) }, token: token, headers: headers, version: version)
    }
}

extension String {
    fileprivate var trimmingBlanks: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
