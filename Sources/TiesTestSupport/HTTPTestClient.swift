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
