import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

// Shared helpers of the API and server tests: a ledger behind an in-process
// `API` and a ledger behind a listening `TiesServer`. The socket client, the
// JSON reader and the temporary directories are TiesTestSupport's.

/// One answer, from the in-process API or read off a socket.
typealias Reply = HTTPTestResponse

extension HTTPTestResponse {
    /// The answer of the in-process API, as a client would read it.
    /// A body file is read and removed, as the server would after sending it.
    init(_ response: HTTPResponse) {
        var body = response.body
        if let file = response.bodyFile {
            body = (try? Files.readWhole(file.path, bytesMax: 1 << 30)) ?? []
            try? Files.removeTree(file.directory)
        }
        self.init(status: response.status, headers: response.headers.map { ($0.name, $0.value) }, body: body)
    }
}

/// Bodies of the common set-up requests (the field names of TiesCore.docc/Operations.md).
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
    let scratch: TemporaryDirectory
    var directory: String { scratch.path }
    let service: LedgerService
    let keys: KeyStore
    let api: API
    let readKey: String
    let appendKey: String
    let adminKey: String

    init() throws {
        scratch = try TemporaryDirectory("ties-http-tests-")
        let directory = scratch.path
        try Ledger.create(at: directory)
        service = try LedgerService(directory: directory, warn: { _ in })
        keys = KeyStore(ledgerDirectory: directory)
        api = API(service: service, keys: keys)
        readKey = try keys.create(name: "reader", role: .read, now: Ledger.clock())
        appendKey = try keys.create(name: "writer", role: .append, now: Ledger.clock())
        adminKey = try keys.create(name: "admin", role: .admin, now: Ledger.clock())
    }

    /// Shuts the service down (its SQLite connections closed, so the
    /// directory holds still) and removes the directory.
    func close(sourceLocation: SourceLocation = #_sourceLocation) {
        service.shutdown(timeoutMs: 30_000)
        scratch.cleanUp(sourceLocation: sourceLocation)
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
/// ledger directory, with an append and a read key; `configure` may change
/// the rest of its configuration, `clockMs` is what its rate limits refill by.
final class ServerHarness: Sendable {
    let directory: String
    let server: TiesServer
    /// The directory this harness made (nil when it was given one).
    let scratch: TemporaryDirectory?
    let appendKey: String
    let readKey: String
    let host: String

    init(directory existing: String? = nil, host: String = "127.0.0.1", keys: (append: String, read: String)? = nil,
         configure: (inout HTTPServerConfiguration) -> Void = { _ in },
         clockMs: @escaping @Sendable () -> Int64 = { SystemClock.monotonicMilliseconds() }) throws {
        if let existing {
            directory = existing
            scratch = nil
        } else {
            let scratch = try TemporaryDirectory("ties-http-server-")
            directory = scratch.path
            self.scratch = scratch
            try Ledger.create(at: directory)
        }
        self.host = host
        var configuration = HTTPServerConfiguration(host: host, port: 0)
        configure(&configuration)
        server = try TiesServer(ledgerDirectory: directory, configuration: configuration, clockMs: clockMs, log: { _ in })
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

    func connect() throws -> HTTPTestClient { try HTTPTestClient(host: host, port: port) }

    /// Stops the server; when it returns, the ledger is closed and no file
    /// of the directory changes any more. The directory stays unless
    /// `removeDirectory` (and this harness made it).
    func stop(removeDirectory: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        server.stop(graceMs: 30_000)
        if removeDirectory { scratch?.cleanUp(sourceLocation: sourceLocation) }
    }

    /// One request on a new connection.
    func call(_ method: String, _ target: String, _ body: String? = nil, token: String?, headers: [(String, String)] = []) throws -> Reply {
        let client = try connect()
        defer { client.close() }
        try client.send(HTTPWire.request(method, target, body: body, token: token, headers: headers))
        return try client.readResponse()
    }
}

/// Whether this machine can bind the IPv6 loopback.
enum Loopback {
    static let ipv6Available: Bool = {
        guard let fd = try? Socket.listen(host: "::1", port: 0) else { return false }
        Socket.close(fd)
        return true
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
