import TiesCore
import TiesStore
import TiesSystem

/// The HTTP API (TiesHTTP.docc/Endpoints.md) over a `LedgerService`: routing, authentication,
/// handlers, problem+json errors. Pure request → response; the listener
/// (`HTTPServer`) is elsewhere, so this is tested without sockets.
public final class API: Sendable {
    let service: LedgerService
    let keys: KeyStore
    /// A `ties serve --ledgers` server's own keys, which act as admin in
    /// every ledger it serves (nil when it serves one ledger).
    let serverKeys: KeyStore?
    /// The background scrub whose progress health reports (nil: none runs).
    let scrub: LogScrub?
    let limiter: RateLimiter

    /// `rateLimits` are config.json's defaults (none: only keys with their
    /// own limits are limited); `clockMs` is the monotonic clock the buckets
    /// refill by.
    public convenience init(service: LedgerService, keys: KeyStore, scrub: LogScrub? = nil, rateLimits: RateLimits = RateLimits(),
                            clockMs: @escaping @Sendable () -> Int64 = { SystemClock.monotonicMilliseconds() }) {
        self.init(service: service, keys: keys, serverKeys: nil, scrub: scrub, limiter: RateLimiter(defaults: rateLimits, clockMs: clockMs))
    }

    init(service: LedgerService, keys: KeyStore, serverKeys: KeyStore?, scrub: LogScrub?, limiter: RateLimiter) {
        self.service = service
        self.keys = keys
        self.serverKeys = serverKeys
        self.scrub = scrub
        self.limiter = limiter
    }

    /// Every endpoint. The OpenAPI document must list exactly these (a test checks).
    static let routes: [Route] = [
        Route(method: "GET", template: "/v1/health", role: nil, handle: { api, request throws(LedgerError) in try api.health(request) }),
        Route(method: "GET", template: "/v1/stats", role: .read, handle: { api, request throws(LedgerError) in try api.stats(request) }),
        Route(method: "GET", template: "/v1/openapi.json", role: .read, handle: { api, request throws(LedgerError) in api.openAPI(request) }),
        Route(method: "POST", template: "/v1/object-types", role: .append, handle: { api, request throws(LedgerError) in try api.defineObjectType(request) }),
        Route(method: "GET", template: "/v1/object-types", role: .read, handle: { api, request throws(LedgerError) in try api.objectTypes(request) }),
        Route(method: "POST", template: "/v1/relationship-types", role: .append, handle: { api, request throws(LedgerError) in try api.registerRelationshipType(request) }),
        Route(method: "GET", template: "/v1/relationship-types", role: .read, handle: { api, request throws(LedgerError) in try api.relationshipTypes(request) }),
        Route(method: "POST", template: "/v1/relationships", role: .append, handle: { api, request throws(LedgerError) in try api.link(request) }),
        Route(method: "PATCH", template: "/v1/relationships", role: .append, handle: { api, request throws(LedgerError) in try api.setAttributes(request) }),
        Route(method: "DELETE", template: "/v1/relationships", role: .append, handle: { api, request throws(LedgerError) in try api.unlink(request) }),
        Route(method: "POST", template: "/v1/relationships/restore", role: .append, handle: { api, request throws(LedgerError) in try api.restore(request) }),
        Route(method: "POST", template: "/v1/batch", role: .append, chargedPerOperation: true,
              handle: { api, request throws(LedgerError) in try api.batch(request) }),
        Route(method: "GET", template: "/v1/records/{type}", role: .read, query: ["field", "value"], handle: { api, request throws(LedgerError) in try api.findRecords(request) }),
        Route(method: "GET", template: "/v1/records/{type}/{id}", role: .read, query: ["asOf"], handle: { api, request throws(LedgerError) in try api.recordFields(request) }),
        Route(method: "PUT", template: "/v1/records/{type}/{id}", role: .append, handle: { api, request throws(LedgerError) in try api.upsertRecord(request) }),
        Route(method: "POST", template: "/v1/records/{type}/{id}/erase", role: .admin, handle: { api, request throws(LedgerError) in try api.eraseRecord(request) }),
        Route(method: "GET", template: "/v1/records/{type}/{id}/relationships", role: .read, query: API.relationshipListParameters, handle: { api, request throws(LedgerError) in try api.recordRelationships(request) }),
        Route(method: "GET", template: "/v1/records/{type}/{id}/history", role: .read, query: ["limit", "after"], handle: { api, request throws(LedgerError) in try api.recordHistory(request) }),
        Route(method: "GET", template: "/v1/relationships/history", role: .read, query: ["relationshipType", "relationshipTypeId", "from", "to"], handle: { api, request throws(LedgerError) in try api.relationshipHistory(request) }),
        Route(method: "GET", template: "/v1/export", role: .read, query: ["asOf", "format"],
              handle: { api, request throws(LedgerError) in try api.export(request) }),
        Route(method: "GET", template: "/v1/audit", role: .read,
              query: ["since", "until", "actor", "relationshipType", "record", "op", "limit", "after"],
              handle: { api, request throws(LedgerError) in try api.audit(request) }),
        Route(method: "GET", template: "/v1/diff", role: .read, query: API.diffParameters, handle: { api, request throws(LedgerError) in try api.diff(request) }),
        Route(method: "GET", template: "/v1/events", role: .read, query: ["after", "limit", "wait"], handle: { api, request throws(LedgerError) in try api.events(request) }),
    ]

    /// (method, template) of every route, for documentation checks.
    public static var endpoints: [(method: String, path: String)] { routes.map { ($0.method, $0.template) } }

    /// Answers one request; never throws, every failure is a problem+json.
    /// A rate-limited key's answers all carry its bucket's state.
    public func handle(_ request: HTTPRequest) -> HandledResponse {
        handle(request, screened: nil)
    }

    /// `handle`, for a request whose routing and keys a server of many
    /// ledgers has screened already (`screened`), so they are not checked twice.
    func handle(_ request: HTTPRequest, screened: Screening?) -> HandledResponse {
        switch admit(request, screened: screened) {
        case .console:
            return HandledResponse(Console.response(request))
        case .refused(let refusal):
            return refusal
        case .admitted(let route, let parameters, let key, let bucket):
            return Self.stamped(run(route, parameters: parameters, key: key, bucket: bucket, request: request), with: bucket)
        }
    }

    /// The answer to a request that its head alone refuses (no such
    /// endpoint, a method the path does not have, no valid key, a role too
    /// weak, an empty bucket), or nil when its body should be read. The
    /// listener asks before it reads a body, so a client without a key (or
    /// out of tokens) cannot make the server buffer one. `handle` checks
    /// everything again on the whole request, and charges it.
    public func refusal(forHead head: HTTPRequest) -> HandledResponse? {
        refusal(forHead: head, screened: nil)
    }

    /// `refusal(forHead:)`, for a head already screened (see `handle(_:screened:)`).
    func refusal(forHead head: HTTPRequest, screened: Screening?) -> HandledResponse? {
        switch admit(head, screened: screened) {
        case .console:
            return nil
        case .refused(let refusal):
            return refusal
        case .admitted(_, _, let key, let bucket):
            do throws(LedgerError) {
                try bucket?.require(1)
                return nil
            } catch {
                return Self.stamped(HandledResponse(Problem.response(error), principal: key?.name), with: bucket)
            }
        }
    }

    private enum Admission {
        case admitted(Route, parameters: [String: String], key: APIKey?, bucket: KeyBucket?)
        case refused(HandledResponse)
        /// A file of the web console: no key, no bucket.
        case console
    }

    private static func stamped(_ handled: HandledResponse, with bucket: KeyBucket?) -> HandledResponse {
        var stamped = handled
        bucket?.stamp(&stamped.response.headers)
        return stamped
    }

    /// Routing and authentication (unless `screened` holds their outcome),
    /// then the key's bucket: everything decided from the head.
    private func admit(_ request: HTTPRequest, screened: Screening?) -> Admission {
        switch screened ?? Self.screen(request, against: [keys] + (serverKeys.map { [$0] } ?? [])) {
        case .console:
            return .console
        case .admitted(let route, let parameters, let key):
            return .admitted(route, parameters: parameters, key: key, bucket: limiter.bucket(for: key, kind: route.rateKind))
        case .refused(let refusal, let rated):
            // A key too weak for the route (403) is told its bucket's state too.
            guard let (route, key) = rated else { return .refused(refusal) }
            return .refused(Self.stamped(refusal, with: limiter.bucket(for: key, kind: route.rateKind)))
        }
    }

    /// What routing and authentication decide from a request's head, with
    /// no ledger open.
    enum Screening {
        case console
        case admitted(Route, parameters: [String: String], key: APIKey?)
        /// Refused; `rated` is the route and key of a 403, whose bucket the answer shows.
        case refused(HandledResponse, rated: (Route, APIKey)?)
    }

    /// Routing and authentication against the keys of `stores`, the first
    /// that knows the key winning: what `admit` decides, and what a server
    /// of many ledgers decides before it opens the ledger a request names.
    static func screen(_ request: HTTPRequest, against stores: [KeyStore]) -> Screening {
        if Console.serves(request.path) { return .console }
        switch Router.match(method: request.method, path: request.path, in: Self.routes) {
        case .notFound:
            return .refused(HandledResponse(Problem.response(status: 404, code: "not_found", detail: "no endpoint at \(request.path)")), rated: nil)
        case .badPath:
            return .refused(HandledResponse(Problem.response(status: 400, code: LedgerError.Code.invalidField.rawValue,
                                                             detail: "a path segment is not valid percent-encoded UTF-8")), rated: nil)
        case .wrongMethod(let allowed):
            var headers = HTTPHeaders()
            headers.set(name: "allow", value: allowed.joined(separator: ", "))
            return .refused(HandledResponse(Problem.response(status: 405, code: "method_not_allowed",
                                                             detail: "\(request.method) is not allowed here; use \(allowed.joined(separator: " or "))", headers: headers)),
                            rated: nil)
        case .route(let route, let parameters):
            switch authenticate(request, needs: route.role, against: stores) {
            case .success(let key):
                return .admitted(route, parameters: parameters, key: key)
            case .failure(let refusal):
                return .refused(HandledResponse(refusal.response, principal: refusal.key?.name), rated: refusal.key.map { (route, $0) })
            }
        }
    }

    /// Charges the key's bucket before any work (a batch: its first token
    /// must be there, and the handler charges one per operation once it
    /// has counted them), then runs the handler.
    private func run(_ route: Route, parameters: [String: String], key: APIKey?, bucket: KeyBucket?, request: HTTPRequest) -> HandledResponse {
        do throws(LedgerError) {
            if route.chargedPerOperation {
                try bucket?.require(1)
            } else {
                try bucket?.charge(1)
            }
            let apiRequest = APIRequest(http: request, parameters: parameters, query: try Router.query(request.query), key: key, bucket: bucket)
            try apiRequest.rejectUnknownQuery(allowed: route.query)
            return HandledResponse(try route.handle(self, apiRequest), principal: key?.name)
        } catch {
            return HandledResponse(Problem.response(error), principal: key?.name)
        }
    }

    struct Refusal: Error {
        let response: HTTPResponse
        /// The authenticated key whose role was too weak (403); nil otherwise.
        let key: APIKey?
    }

    /// `Authorization: Bearer KEY` against the first of `stores` that knows
    /// the key (a ledger's own keys, then the server-wide ones): 401 without
    /// a valid, unrevoked key, 403 when its role is too weak for the route.
    static func authenticate(_ request: HTTPRequest, needs role: KeyRole?, against stores: [KeyStore]) -> Result<APIKey?, Refusal> {
        guard let role else { return .success(nil) }
        var challenge = HTTPHeaders()
        challenge.set(name: "www-authenticate", value: "Bearer realm=\"ties\"")
        guard let header = request.headers["authorization"], header.lowercased().hasPrefix("bearer "),
              case let token = String(header.dropFirst(7)).trimmingSpaces, !token.isEmpty else {
            return .failure(Refusal(response: Problem.response(status: 401, code: "unauthorized", detail: "send Authorization: Bearer KEY", headers: challenge), key: nil))
        }
        var key: APIKey?
        do {
            for store in stores where key == nil { key = try store.authenticate(token) }
        } catch {
            return .failure(Refusal(response: Problem.response(error), key: nil))
        }
        guard let key else {
            return .failure(Refusal(response: Problem.response(status: 401, code: "unauthorized", detail: "the key is not valid or was revoked", headers: challenge), key: nil))
        }
        guard key.role >= role else {
            return .failure(Refusal(response: Problem.response(status: 403, code: "forbidden",
                                                              detail: "key '\(key.name)' has role \(key.role.rawValue); this needs \(role.rawValue)"), key: key))
        }
        return .success(key)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (on UTF-8 bytes: this
    /// runs on every request's bearer token).
    var trimmingSpaces: String {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        return String(self[first...last])
    }
}

/// JSON responses.
extension HTTPResponse {
    static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.set(name: "content-type", value: "application/json")
        return HTTPResponse(status: status, headers: headers, body: value.encodedBytes)
    }
}
