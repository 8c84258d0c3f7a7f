import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore

// Shared helpers of the API and server tests: a ledger behind an in-process
// `API`, a ledger behind a listening `TiesServer`, a JSON reader for answers,
// and a blocking socket client that speaks raw HTTP/1.1.

/// A JSON document read leniently for assertions: a missing field is a
/// `JSONDoc` holding nil, so chains like `body["existing"]["from"]` never trap.
struct JSONDoc: CustomStringConvertible, Sendable {
    let value: JSONValue?

    init(_ value: JSONValue?) { self.value = value }

    subscript(_ key: String) -> JSONDoc { JSONDoc(value?.objectValue?[key]) }

    subscript(_ index: Int) -> JSONDoc {
        guard let array = value?.arrayValue, array.indices.contains(index) else { return JSONDoc(nil) }
        return JSONDoc(array[index])
    }

    var string: String? { value?.stringValue }
    var int: Int64? { value?.int64Value }
    var bool: Bool? { value?.boolValue }
    var array: [JSONDoc] { (value?.arrayValue ?? []).map(JSONDoc.init) }
    var keys: Set<String> { Set(value?.objectValue?.keys ?? [:].keys) }
    var isNull: Bool { value == .null }
    var exists: Bool { value != nil }

    var description: String { value.map { $0.encodedString } ?? "(absent)" }
}

/// One answer, from the in-process API or read off a socket.
struct Reply: CustomStringConvertible, Sendable {
    var status: Int
    /// Lowercased names; the first value of each.
    var headers: [String: String]
    var body: [UInt8]

    init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    init(_ response: HTTPResponse) {
        var headers: [String: String] = [:]
        for field in response.headers where headers[field.name] == nil { headers[field.name] = field.value }
        self.init(status: response.status, headers: headers, body: response.body)
    }

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONDoc { JSONDoc(try? JSONParser.parse(body)) }
    var code: String? { json["code"].string }
    var contentType: String? { headers["content-type"] }

    var description: String { "\(status) \(headers) \(text.prefix(600))" }
}

/// A fresh private directory under the system's temporary directory.
func makeTestDirectory(_ prefix: String = "ties-http-tests-") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(prefix + UUID().uuidString).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func removeTestDirectory(_ path: String) {
    do {
        try FileManager.default.removeItem(atPath: path)
    } catch {
        Issue.record("could not remove the test directory \(path): \(error)")
    }
}

/// Bodies of the common set-up requests (SPEC §3 field names).
enum Bodies {
    static let defineOrder = #"{"name":"order","description":"A purchase"}"#
    static let defineLineItem = #"{"name":"line_item"}"#
    static let registerPlaced = #"{"kind":"person_to_co","role":"placed","customObjectType":"order","cardinality":"ONE_TO_MANY","bidirectional":true}"#
    static let registerContains = #"{"kind":"co_to_co","role":"contains","parentCustomObjectType":"order","childCustomObjectType":"line_item"}"#

    /// A person → order link of `typeId`, with optional attributes JSON.
    static func placed(_ typeId: String, _ person: String, _ order: String, attributes: String? = nil) -> String {
        var fields: [String: JSONValue] = [
            "relationshipTypeId": .string(typeId), "personExternalId": .string(person), "customObjectExternalId": .string(order),
        ]
        if let attributes { fields["attributes"] = (try? JSONParser.parse(attributes)) ?? .null }
        return JSONValue.object(fields).encodedString
    }

    static func contains(_ typeId: String, _ order: String, _ item: String) -> String {
        JSONValue.object([
            "relationshipTypeId": .string(typeId), "parentExternalId": .string(order), "childExternalId": .string(item),
        ]).encodedString
    }
}

/// A new ledger behind an in-process `API` (no sockets), with one key of
/// each role. Call `close()` when done.
final class APIHarness: Sendable {
    let directory: String
    let service: LedgerService
    let keys: KeyStore
    let api: API
    let readKey: String
    let appendKey: String
    let adminKey: String

    init() throws {
        directory = try makeTestDirectory()
        try Ledger.create(at: directory)
        service = try LedgerService(directory: directory, warn: { _ in })
        keys = KeyStore(ledgerDirectory: directory)
        api = API(service: service, keys: keys)
        readKey = try keys.create(name: "reader", role: .read, now: Ledger.clock())
        appendKey = try keys.create(name: "writer", role: .append, now: Ledger.clock())
        adminKey = try keys.create(name: "admin", role: .admin, now: Ledger.clock())
    }

    func close() {
        service.shutdown(timeoutMs: 5_000)
        removeTestDirectory(directory)
    }

    func key(for role: KeyRole) -> String {
        switch role {
        case .read: readKey
        case .append: appendKey
        case .admin: adminKey
        }
    }

    var head: Int64 { service.head.seq }

    /// Sends one request with the key of `role` (nil: no Authorization).
    func call(_ method: String, _ target: String, _ body: String? = nil, as role: KeyRole? = .append,
              headers: [(String, String)] = []) -> Reply {
        call(method, target, body, token: role.map(key(for:)), headers: headers)
    }

    /// Sends one request with `token` as the bearer key (nil: no Authorization).
    func call(_ method: String, _ target: String, _ body: String? = nil, token: String?, headers: [(String, String)] = []) -> Reply {
        var fields = HTTPHeaders([("Host", "localhost")])
        if let token { fields.append(name: "Authorization", value: "Bearer \(token)") }
        if body != nil { fields.append(name: "Content-Type", value: "application/json") }
        for (name, value) in headers { fields.append(name: name, value: value) }
        let request = HTTPRequest(method: method, target: target, headers: fields, body: Array((body ?? "").utf8))
        return Reply(api.handle(request).response)
    }

    /// A request that must answer `status`; returns its JSON body.
    @discardableResult
    func expect(_ status: Int, _ method: String, _ target: String, _ body: String? = nil, as role: KeyRole? = .append,
                headers: [(String, String)] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONDoc {
        let reply = call(method, target, body, as: role, headers: headers)
        try #require(reply.status == status, "\(method) \(target) \(body ?? "") → \(reply)", sourceLocation: sourceLocation)
        return reply.json
    }

    /// `order`, `line_item`, `placed/order` (ONE_TO_MANY, bidirectional) and
    /// `contains/order/line_item` (no cardinality): four commits, seqs 1–4.
    func defineShop() throws -> (placed: String, contains: String) {
        try expect(201, "POST", "/v1/object-types", Bodies.defineOrder)
        try expect(201, "POST", "/v1/object-types", Bodies.defineLineItem)
        let placed = try expect(201, "POST", "/v1/relationship-types", Bodies.registerPlaced)
        let contains = try expect(201, "POST", "/v1/relationship-types", Bodies.registerContains)
        return (try #require(placed["relationshipTypeId"].string), try #require(contains["relationshipTypeId"].string))
    }
}

/// A `TiesServer` on 127.0.0.1 (or `host`), port 0, over a new or given
/// ledger directory, with an append and a read key.
final class ServerHarness: Sendable {
    let directory: String
    let server: TiesServer
    let ownsDirectory: Bool
    let appendKey: String
    let readKey: String
    let host: String

    init(directory existing: String? = nil, host: String = "127.0.0.1", keys: (append: String, read: String)? = nil) throws {
        if let existing {
            directory = existing
            ownsDirectory = false
        } else {
            directory = try makeTestDirectory("ties-http-server-")
            try Ledger.create(at: directory)
            ownsDirectory = true
        }
        self.host = host
        server = try TiesServer(ledgerDirectory: directory, configuration: HTTPServerConfiguration(host: host, port: 0), log: { _ in })
        if let keys {
            appendKey = keys.append
            readKey = keys.read
        } else {
            appendKey = try server.keys.create(name: "writer", role: .append, now: Ledger.clock())
            readKey = try server.keys.create(name: "reader", role: .read, now: Ledger.clock())
        }
        server.start()
    }

    var port: UInt16 { server.port }

    func connect() throws -> SocketClient { try SocketClient(host: host, port: port) }

    /// Stops the server; the directory stays unless `removeDirectory`.
    func stop(removeDirectory: Bool = false) {
        server.stop(graceMs: 5_000)
        if removeDirectory && ownsDirectory { removeTestDirectory(directory) }
    }

    /// One request on a new connection.
    func call(_ method: String, _ target: String, _ body: String? = nil, token: String?, headers: [(String, String)] = []) throws -> Reply {
        let client = try connect()
        defer { client.close() }
        try client.send(HTTPWire.request(method, target, body: body, token: token, headers: headers))
        return try client.readResponse()
    }
}

/// Requests as bytes for the wire.
enum HTTPWire {
    static func request(_ method: String, _ target: String, body: String? = nil, token: String? = nil,
                        headers: [(String, String)] = [], version: String = "HTTP/1.1") -> [UInt8] {
        var text = "\(method) \(target) \(version)\r\nHost: localhost\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body {
            text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        } else {
            text += "\r\n"
        }
        return Array(text.utf8)
    }
}

/// A blocking TCP client for raw HTTP/1.1 exchanges with a deadline on
/// every wait. Not thread-safe: one thread per client.
final class SocketClient {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private var fd: Int32
    private var buffer: [UInt8] = []

    init(host: String, port: UInt16, timeoutMs: Int = 5_000) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else {
            throw Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutMs / 1000, tv_usec: (timeoutMs % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let error = errno
            Glibc.close(fd)
            fd = -1
            throw Failure(description: "connect to \(host):\(port): errno \(error)")
        }
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Sends all of `bytes`; throws when the peer is gone.
    func send(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let result = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if result < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "send: errno \(errno)")
                }
                sent += result
            }
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    private enum Read { case bytes, closed, timedOut, failed(Int32) }

    /// Waits up to `timeoutMs` for bytes and appends them to the buffer.
    private func fill(timeoutMs: Int) -> Read {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(max(0, timeoutMs)))
        if ready == 0 { return .timedOut }
        if ready < 0 { return errno == EINTR ? .bytes : .failed(errno) }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 { return errno == EINTR ? .bytes : .failed(errno) }
        if count == 0 { return .closed }
        buffer.append(contentsOf: chunk[0..<count])
        return .bytes
    }

    /// Reads one response (an interim 1xx included); keeps any bytes after it
    /// for the next call. `headOnly`: the response to a HEAD, without body.
    func readResponse(timeoutMs: Int = 10_000, headOnly: Bool = false) throws -> Reply {
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        while true {
            if let reply = try takeResponse(headOnly: headOnly) { return reply }
            let left = Int(deadline.timeIntervalSinceNow * 1000)
            guard left > 0 else { throw Failure(description: "no complete response within \(timeoutMs) ms; have \(buffer.count) bytes") }
            switch fill(timeoutMs: left) {
            case .bytes: continue
            case .closed: throw Failure(description: "connection closed before a complete response; have: \(String(decoding: buffer, as: UTF8.self).prefix(300))")
            case .timedOut: throw Failure(description: "no complete response within \(timeoutMs) ms")
            case .failed(let error): throw Failure(description: "recv failed: errno \(error); have \(buffer.count) bytes")
            }
        }
    }

    private func takeResponse(headOnly: Bool) throws -> Reply? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = buffer.firstRange(of: separator) else { return nil }
        let head = String(decoding: buffer[..<headEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line in \(head)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw Failure(description: "bad header line \(line)") }
            let name = line[..<colon].lowercased()
            if headers[name] == nil { headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        let bodyLength = status < 200 || headOnly ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headEnd.upperBound
        guard buffer.count - bodyStart >= bodyLength else { return nil }
        let body = Array(buffer[bodyStart..<(bodyStart + bodyLength)])
        buffer.removeFirst(bodyStart + bodyLength)
        return Reply(status: status, headers: headers, body: body)
    }

    /// True when the peer closes (or resets) the connection within
    /// `timeoutMs` without sending anything more.
    func closesWithoutMoreBytes(timeoutMs: Int = 5_000) -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        guard buffer.isEmpty else { return false }
        while true {
            let left = Int(deadline.timeIntervalSinceNow * 1000)
            guard left > 0 else { return false }
            switch fill(timeoutMs: left) {
            case .closed, .failed: return buffer.isEmpty
            case .timedOut: return false
            case .bytes: if !buffer.isEmpty { return false }
            }
        }
    }

    /// Whether any byte arrives within `timeoutMs`.
    func receivesNothing(withinMs timeoutMs: Int) -> Bool {
        guard buffer.isEmpty else { return false }
        switch fill(timeoutMs: timeoutMs) {
        case .timedOut: return true
        case .bytes: return buffer.isEmpty
        case .closed, .failed: return true
        }
    }

    var leftover: [UInt8] { buffer }
}

/// Whether this machine can bind the IPv6 loopback.
enum Loopback {
    static let ipv6Available: Bool = {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        address.sin6_port = 0
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 }
        }
    }()
}

/// Results gathered by several threads; `@unchecked Sendable`: every access holds `lock`.
final class Collected<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []

    func append(_ item: Element) { lock.withLock { items.append(item) } }
    var all: [Element] { lock.withLock { items } }
}

/// Runs `body(index)` on `count` new threads (not a pool: each really runs
/// at once) and waits for all of them, at most `timeoutSeconds`.
func runOnThreads(_ count: Int, timeoutSeconds: Double = 60, _ body: @escaping @Sendable (Int) -> Void) -> Bool {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    return group.wait(timeout: .now() + timeoutSeconds) == .success
}
