import Dispatch
import TiesCore
import TiesStore

/// The HTTP API of `ties serve --ledgers DIR` (TiesHTTP.docc/Ledgers.md):
/// creating, listing and retiring ledgers and giving them keys, with the
/// server-wide keys of `DIR/keys.json`; and each ledger's own API, exactly
/// as one ledger's server answers it, under `/v1/ledgers/NAME`. A ledger's
/// own keys are valid under its prefix only.
final class LedgersAPI: Sendable {
    let pool: LedgerPool
    private let serverKeys: KeyStore
    /// The server's requests in flight, taken after the ledger's own share
    /// (`LedgerPool.Slot.requests`), so requests waiting for a busy ledger
    /// hold no slot the others need.
    private let inFlight: DispatchSemaphore
    private let inFlightWaitMs: Int
    /// Each ledger's own keys, shared with the ledgers' APIs.
    private let ledgerKeys: LedgerKeyStores
    /// Told when a ledger has been retired, to forget what was kept for it.
    private let retired: @Sendable (LedgerName) -> Void

    /// The endpoints of the set itself (its OpenAPI document,
    /// `Embedded/openapi-ledgers.json`, lists exactly these); each ledger's
    /// are `API.endpoints`.
    static let endpoints: [(method: String, path: String)] = [
        ("GET", "/v1/health"), ("GET", "/v1/openapi.json"),
        ("GET", "/v1/ledgers"), ("POST", "/v1/ledgers"), ("DELETE", "/v1/ledgers/{name}"), ("POST", "/v1/ledgers/{name}/keys"),
    ]

    init(pool: LedgerPool, serverKeys: KeyStore, ledgerKeys: LedgerKeyStores, configuration: HTTPServerConfiguration,
         retired: @escaping @Sendable (LedgerName) -> Void) {
        self.pool = pool
        self.serverKeys = serverKeys
        self.ledgerKeys = ledgerKeys
        inFlight = DispatchSemaphore(value: configuration.requestsInFlightMax)
        inFlightWaitMs = configuration.inFlightWaitMs
        self.retired = retired
    }

    /// What a path names.
    private enum Target {
        case health
        case document
        case ledgers
        case ledger(String)
        case keys(String)
        /// A ledger's own endpoint: its name and the request as that ledger's API sees it.
        case inside(String, HTTPRequest)
        case notFound
    }

    /// Every request but a long poll: the handler takes its ledger's share
    /// of the in-flight slots, then the server's (see `HTTPServer`).
    static func admitsItself(_ request: HTTPRequest) -> Bool { true }

    func handle(_ request: HTTPRequest) -> HandledResponse {
        switch Self.target(of: request) {
        case .health:
            guard request.method == "GET" || request.method == "HEAD" else { return Self.wrongMethod(request, allowed: ["GET"]) }
            return HandledResponse(health())
        case .document:
            guard request.method == "GET" || request.method == "HEAD" else { return Self.wrongMethod(request, allowed: ["GET"]) }
            return asAdmin(request) { _ throws(LedgerError) in
                var response = HTTPResponse.json(.null)
                response.body = EmbeddedResources.openapiLedgersJson
                return response
            }
        case .ledgers:
            switch request.method {
            case "GET", "HEAD": return asAdmin(request) { _ throws(LedgerError) in try list() }
            case "POST": return asAdmin(request) { key throws(LedgerError) in try create(request, key: key) }
            default: return Self.wrongMethod(request, allowed: ["GET", "POST"])
            }
        case .ledger(let segment):
            guard request.method == "DELETE" else { return Self.wrongMethod(request, allowed: ["DELETE"]) }
            return asAdmin(request) { _ throws(LedgerError) in try retire(try Self.name(segment)) }
        case .keys(let segment):
            guard request.method == "POST" else { return Self.wrongMethod(request, allowed: ["POST"]) }
            return asAdmin(request) { key throws(LedgerError) in try createKey(request, in: try Self.name(segment), key: key) }
        case .inside(let segment, let inner):
            return inside(segment, inner, refused: { $0 }) { host, slot, screened in
                admitted(inner, slot: slot) { host.api.handle(inner, screened: screened) }
            }
        case .notFound:
            return HandledResponse(Problem.response(status: 404, code: "not_found", detail: Self.notFoundDetail(request.path)))
        }
    }

    /// The answer to a request its head alone refuses, or nil to read its
    /// body (see `API.refusal(forHead:)`): an unknown ledger, no valid key.
    func refusal(forHead head: HTTPRequest) -> HandledResponse? {
        switch Self.target(of: head) {
        case .inside(let segment, let inner):
            // The ledger's own answer: its rate limits.
            return inside(segment, inner, refused: { $0 }) { host, _, screened in host.api.refusal(forHead: inner, screened: screened) }
        case .ledgers, .keys, .document, .ledger:
            if case .failure(let refusal) = API.authenticate(head, needs: .admin, against: [serverKeys]) {
                return HandledResponse(refusal.response, principal: refusal.key?.name)
            }
            return nil
        case .health, .notFound:
            return nil
        }
    }

    // MARK: Routing

    private static func target(of request: HTTPRequest) -> Target {
        let path = request.path
        if path == "/v1/health" { return .health }
        if path == "/v1/openapi.json" { return .document }
        if path == "/v1/ledgers" { return .ledgers }
        let prefix = "/v1/ledgers/"
        guard path.hasPrefix(prefix) else { return .notFound }
        let rest = path.dropFirst(prefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return rest.isEmpty ? .notFound : .ledger(String(rest)) }
        let segment = String(rest[..<slash])
        let below = String(rest[slash...])
        if below == "/keys" { return .keys(segment) }
        // `/v1/ledgers/NAME/relationships` and `/v1/ledgers/NAME/v1/relationships` alike.
        var inner = request
        inner.path = below.hasPrefix("/v1/") ? below : "/v1" + below
        inner.target = inner.path + (request.query.map { "?" + $0 } ?? "")
        return .inside(segment, inner)
    }

    /// A ledger name from its path segment, as it is: a name needs no
    /// percent-encoding, so an encoded one names no ledger (404), and every
    /// ledger has one spelling for a load balancer to hash.
    private static func name(_ segment: String) throws(LedgerError) -> LedgerName {
        guard let name = LedgerName(segment) else {
            throw LedgerError(.ledgerNotFound, "no ledger named '\(segment.prefix(Limits.ledgerNameCharactersMax))': names are 1–\(Limits.ledgerNameCharactersMax) characters of a-z, 0-9, - and _",
                              details: ["name": .string(String(segment.prefix(Limits.ledgerNameCharactersMax)))])
        }
        return name
    }

    private static func notFoundDetail(_ path: String) -> String {
        if Console.serves(path) {
            return "the web console serves one ledger: `ties serve --ledger DIR/NAME` serves it (this server serves many, under /v1/ledgers/NAME)"
        }
        return "no endpoint at \(path); this server serves many ledgers: each ledger's API is under /v1/ledgers/NAME"
    }

    private static func wrongMethod(_ request: HTTPRequest, allowed: [String]) -> HandledResponse {
        var headers = HTTPHeaders()
        headers.set(name: "allow", value: allowed.joined(separator: ", "))
        return HandledResponse(Problem.response(status: 405, code: "method_not_allowed",
                                                detail: "\(request.method) is not allowed here; use \(allowed.joined(separator: " or "))", headers: headers))
    }

    // MARK: Inside one ledger

    /// Runs `body` with the named ledger open and the request's screening,
    /// or answers `refused` with why it could not be: no such ledger; no
    /// endpoint, no valid key or a role too weak, decided before the ledger
    /// is opened (so requests without a key open nothing and close no other
    /// tenant's ledger); no room.
    private func inside<T>(_ segment: String, _ inner: HTTPRequest, refused: (HandledResponse) -> T,
                           _ body: (LedgerHost, LedgerPool.Slot, API.Screening) -> T) -> T {
        do throws(LedgerError) {
            let name = try Self.name(segment)
            // An open ledger exists: the directory is looked at only for one that is not.
            guard pool.isOpen(name) || pool.ledgers.contains(name) else { throw LedgerSet.notFound(name) }
            let screened = API.screen(inner, against: [ledgerKeys.store(of: name), serverKeys])
            if case .refused(let refusal, _) = screened { return refused(refusal) }
            return try pool.withLedger(name, polling: API.waitsForCommits(inner)) { host, slot in body(host, slot, screened) }
        } catch {
            return refused(HandledResponse(Problem.response(error)))
        }
    }

    /// Runs `answer` once the ledger's share of the in-flight slots and
    /// then the server's have room (a long poll needs neither).
    private func admitted(_ request: HTTPRequest, slot: LedgerPool.Slot, _ answer: () -> HandledResponse) -> HandledResponse {
        if API.waitsForCommits(request) { return answer() }
        guard slot.requests.wait(timeout: .now() + .milliseconds(inFlightWaitMs)) == .success else {
            return HandledResponse(Problem.response(LedgerError(.ledgerBusy, "ledger '\(slot.name)' has \(pool.requestsPerLedger) requests in flight; retry shortly",
                                                                details: ["name": .string(slot.name.text)])))
        }
        defer { slot.requests.signal() }
        guard inFlight.wait(timeout: .now() + .milliseconds(inFlightWaitMs)) == .success else {
            return HandledResponse(Problem.response(status: 503, code: "service_unavailable", detail: "too many requests in flight; retry shortly"))
        }
        defer { inFlight.signal() }
        return answer()
    }

    // MARK: The set's own endpoints

    /// Runs `body` for a server-wide admin key, its errors as problems.
    private func asAdmin(_ request: HTTPRequest, _ body: (APIKey?) throws(LedgerError) -> HTTPResponse) -> HandledResponse {
        switch API.authenticate(request, needs: .admin, against: [serverKeys]) {
        case .failure(let refusal):
            return HandledResponse(refusal.response, principal: refusal.key?.name)
        case .success(let key):
            do throws(LedgerError) {
                return HandledResponse(try body(key), principal: key?.name)
            } catch {
                return HandledResponse(Problem.response(error), principal: key?.name)
            }
        }
    }

    private func health() -> HTTPResponse {
        let count = (try? pool.ledgers.names().count).map { JSONValue.int(Int64($0)) } ?? .null
        return .json(.object([
            "status": .string("ok"), "ledgers": count, "openLedgers": .int(Int64(pool.openNames.count)), "maxOpenLedgers": .int(Int64(pool.maxOpen)),
        ]))
    }

    private func list() throws(LedgerError) -> HTTPResponse {
        let open = pool.openNames
        let ledgers = try pool.ledgers.names().map { name in JSONValue.object(["name": .string(name.text), "open": .bool(open.contains(name))]) }
        let retired = try pool.ledgers.retired().map { JSONValue.object(["name": .string($0.name.text), "entry": .string($0.entry)]) }
        return .json(.object(["ledgers": .array(ledgers), "retired": .array(retired)]))
    }

    private func create(_ request: HTTPRequest, key: APIKey?) throws(LedgerError) -> HTTPResponse {
        let reader = try Self.body(request, key: key, allowed: ["name"])
        let name = try LedgerName.parse(try reader.requiredString("name"))
        try pool.ledgers.create(name)
        return .json(.object(["name": .string(name.text), "created": .bool(true)]), status: 201)
    }

    private func retire(_ name: LedgerName) throws(LedgerError) -> HTTPResponse {
        let retired = try pool.closed(name) { () throws(LedgerError) in try pool.ledgers.retire(name, now: Ledger.clock()) }
        self.retired(name)
        return .json(.object(["name": .string(name.text), "retired": .bool(true), "entry": .string(retired.entry)]))
    }

    private func createKey(_ request: HTTPRequest, in name: LedgerName, key: APIKey?) throws(LedgerError) -> HTTPResponse {
        guard pool.ledgers.contains(name) else { throw LedgerSet.notFound(name) }
        let reader = try Self.body(request, key: key, allowed: ["name", "role"])
        let keyName = try reader.requiredString("name")
        let roleText = try reader.requiredString("role")
        guard let role = KeyRole(rawValue: roleText) else {
            throw LedgerError(.invalidField, "'role' must be read, append or admin", details: ["field": .string("role")])
        }
        let token = try ledgerKeys.store(of: name).create(name: keyName, role: role, now: Ledger.clock())
        return .json(.object(["ledger": .string(name.text), "name": .string(keyName), "role": .string(role.rawValue), "key": .string(token)]), status: 201)
    }

    /// The JSON object body of a request, taking only `allowed` fields.
    private static func body(_ request: HTTPRequest, key: APIKey?, allowed: Set<String>) throws(LedgerError) -> FieldReader {
        let body = try API.parseBody(APIRequest(http: request, parameters: [:], query: [:], key: key, bucket: nil))
        let reader = try FieldReader(body, context: "body", failure: .invalidField)
        try reader.rejectUnknown(allowed: allowed)
        return reader
    }
}
