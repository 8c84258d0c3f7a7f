import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesTestSupport

/// Who may call what (TiesHTTP.docc/Headers.md): `read` GETs, `append` also writes, `admin`
/// everything; no key, an unknown key or a revoked key is 401 everywhere a
/// key is needed. Health and the OpenAPI document need none.
@Suite("HTTP API authentication")
struct APIAuthTests {
    /// One call of each endpoint that succeeds for a strong enough key, with
    /// `prepare` run (as admin) before each attempt so it can succeed again.
    struct Endpoint: Sendable, CustomTestStringConvertible {
        let method: String
        let target: String
        let body: String?
        let needs: KeyRole?
        let prepare: @Sendable (APIHarness, String) throws -> Void

        init(_ method: String, _ target: String, _ body: String? = nil, needs: KeyRole?,
             prepare: @escaping @Sendable (APIHarness, String) throws -> Void = { _, _ in }) {
            self.method = method
            self.target = target
            self.body = body
            self.needs = needs
            self.prepare = prepare
        }

        var testDescription: String { "\(method) \(target)" }
    }

    /// The ID of `placed/order` is fixed per ledger, so bodies take it as `RT`.
    static let endpoints: [Endpoint] = [
        Endpoint("GET", "/v1/health", needs: nil),
        Endpoint("GET", "/v1/openapi.json", needs: .read),
        Endpoint("GET", "/v1/stats", needs: .read),
        Endpoint("POST", "/v1/object-types", #"{"name":"household"}"#, needs: .append),
        Endpoint("GET", "/v1/object-types", needs: .read),
        Endpoint("POST", "/v1/relationship-types", #"{"kind":"person_to_co","role":"owns","customObjectType":"order"}"#, needs: .append),
        Endpoint("GET", "/v1/relationship-types", needs: .read),
        Endpoint("POST", "/v1/relationships", #"{"relationshipTypeId":"RT","personExternalId":"u9","customObjectExternalId":"o9"}"#, needs: .append),
        Endpoint("PATCH", "/v1/relationships", #"{"relationshipTypeId":"RT","personExternalId":"u1","customObjectExternalId":"o1","set":{"k":"v"}}"#,
                 needs: .append),
        Endpoint("DELETE", "/v1/relationships", #"{"relationshipTypeId":"RT","personExternalId":"u1","customObjectExternalId":"o1"}"#, needs: .append,
                 prepare: { harness, rt in
                     let relinked = harness.call("POST", "/v1/relationships", Bodies.placed(rt, "u1", "o1"), as: .admin)
                     try #require((200..<300).contains(relinked.status), "\(relinked)")
                 }),
        Endpoint("POST", "/v1/relationships/restore", #"{"relationshipTypeId":"RT","personExternalId":"u1","customObjectExternalId":"o1","asOf":5}"#,
                 needs: .append, prepare: { harness, rt in
                     // A change after seq 5, so that there is something to restore.
                     let changed = harness.call("PATCH", "/v1/relationships",
                                                #"{"relationshipTypeId":"\#(rt)","personExternalId":"u1","customObjectExternalId":"o1","set":{"k":"v"}}"#, as: .admin)
                     try #require(changed.status == 200, "\(changed)")
                 }),
        Endpoint("POST", "/v1/batch", #"[{"op":"defineObjectType","name":"account"}]"#, needs: .append),
        Endpoint("GET", "/v1/records/person?field=email&value=a@x", needs: .read, prepare: { harness, _ in
            try harness.expect(200, "POST", "/v1/object-types", #"{"name":"person","identifiers":[{"field":"email","unique":true}]}"#, as: .admin)
        }),
        Endpoint("GET", "/v1/records/person/u1", needs: .read, prepare: { harness, _ in
            let reply = harness.call("PUT", "/v1/records/person/u1", #"{"set":{"email":"a@x"}}"#, as: .admin)
            try #require([200, 201].contains(reply.status), "\(reply)")
        }),
        Endpoint("PUT", "/v1/records/person/u1", #"{"set":{"k":"v"}}"#, needs: .append),
        Endpoint("POST", "/v1/records/person/u1/erase", #"{"reason":"asked to"}"#, needs: .admin, prepare: { harness, _ in
            // Upserted for the first caller; erased (and refused new fields) after the admin's turn.
            let reply = harness.call("PUT", "/v1/records/person/u1", #"{"set":{"email":"a@x"}}"#, as: .admin)
            try #require([200, 201, 409].contains(reply.status), "\(reply)")
        }),
        Endpoint("GET", "/v1/records/person/u1/relationships", needs: .read),
        Endpoint("GET", "/v1/records/person/u1/history", needs: .read),
        Endpoint("GET", "/v1/relationships/history?relationshipTypeId=RT&from=u1&to=o1", needs: .read),
        Endpoint("GET", "/v1/events?after=0", needs: .read),
        Endpoint("GET", "/v1/audit?actor=writer", needs: .read),
        Endpoint("GET", "/v1/export", needs: .read),
        Endpoint("GET", "/v1/diff?from=0&to=5", needs: .read),
    ]

    @Test("The matrix lists every route of the API")
    func matrixCoversEveryRoute() {
        let listed = Set(Self.endpoints.map { "\($0.method) \($0.target.split(separator: "?")[0])" })
        let routes = Set(API.endpoints.map { "\($0.method) \($0.path)" }.map {
            $0.replacingOccurrences(of: "{type}", with: "person").replacingOccurrences(of: "{id}", with: "u1")
        })
        #expect(listed == routes)
    }

    enum Caller: String, CaseIterable, Sendable {
        case noKey, notBearer, emptyBearer, unknownKey, revokedAdmin, read, append, admin
    }

    @Test("Each endpoint answers each kind of caller with the right status", arguments: endpoints)
    func authorizationMatrix(_ endpoint: Endpoint) throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (rt, _) = try harness.defineShop()
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(rt, "u1", "o1"))
        let revoked = try harness.keys.create(name: "former-admin", role: .admin, now: Ledger.clock())
        try harness.keys.revoke(name: "former-admin", now: Ledger.clock())
        let target = endpoint.target.replacingOccurrences(of: "RT", with: rt)
        let body = endpoint.body?.replacingOccurrences(of: "RT", with: rt)

        for caller in Caller.allCases {
            let headers: [(String, String)]
            switch caller {
            case .noKey: headers = []
            case .notBearer: headers = [("Authorization", "Basic \(harness.adminKey)")]
            case .emptyBearer: headers = [("Authorization", "Bearer   ")]
            case .unknownKey: headers = [("Authorization", "Bearer tk_0000000000000000000000000000000000000000000000000")]
            case .revokedAdmin: headers = [("Authorization", "Bearer \(revoked)")]
            case .read: headers = [("Authorization", "Bearer \(harness.readKey)")]
            case .append: headers = [("Authorization", "Bearer \(harness.appendKey)")]
            case .admin: headers = [("Authorization", "Bearer \(harness.adminKey)")]
            }
            let role: KeyRole? = switch caller {
            case .read: .read
            case .append: .append
            case .admin: .admin
            default: nil
            }
            try endpoint.prepare(harness, rt)
            let head = harness.head
            let reply = harness.call(endpoint.method, target, body, token: nil, headers: headers)
            let context = "\(caller) → \(reply)"
            if endpoint.needs == nil {
                #expect(reply.status == 200, "\(context)")
            } else if let role, let needed = endpoint.needs, role >= needed {
                #expect((200..<300).contains(reply.status), "\(context)")
            } else if role != nil {
                #expect(reply.status == 403, "\(context)")
                #expect(reply.code == "forbidden", "\(context)")
                #expect(harness.head == head, "a refused write appended something: \(context)")
            } else {
                #expect(reply.status == 401, "\(context)")
                #expect(reply.code == "unauthorized", "\(context)")
                #expect(reply.contentType == "application/problem+json")
                #expect(reply.headers["www-authenticate"]?.hasPrefix("Bearer") == true, "\(context)")
                #expect(harness.head == head, "a refused write appended something: \(context)")
            }
        }
    }

    @Test("The bearer scheme is case-insensitive and the key is taken exactly")
    func bearerScheme() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        for header in ["bearer \(harness.readKey)", "BEARER \(harness.readKey)", "Bearer  \(harness.readKey) "] {
            #expect(harness.call("GET", "/v1/object-types", token: nil, headers: [("Authorization", header)]).status == 200, "\(header)")
        }
        for header in ["Bearer \(harness.readKey)x", "Bearer \(harness.readKey.dropLast())", "Bearer\(harness.readKey)",
                       "Bearer \(harness.readKey.uppercased())", harness.readKey] {
            #expect(harness.call("GET", "/v1/object-types", token: nil, headers: [("Authorization", header)]).status == 401, "\(header)")
        }
    }

    @Test("A 403 names the key but a 401 never echoes the presented key")
    func refusalsDoNotLeakKeys() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let forbidden = harness.call("POST", "/v1/object-types", Bodies.defineOrder, as: .read)
        #expect(forbidden.status == 403)
        #expect(!forbidden.text.contains(harness.readKey))
        let unknown = "tk_this-is-not-a-key-but-looks-like-one"
        let refused = harness.call("GET", "/v1/object-types", token: unknown)
        #expect(refused.status == 401)
        #expect(!refused.text.contains(unknown))
    }

    @Test("The actor of a commit is the name of the key that made it")
    func actorIsKeyName() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineOrder, as: .append)
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineLineItem, as: .admin)
        let events = try harness.expect(200, "GET", "/v1/events", as: .read)
        #expect(events["events"].array.map { $0["actor"].string } == ["writer", "admin"])
    }

    // MARK: Revocation on a running server

    @Test("Revoking a key stops it at once on a running server, on the same keep-alive connection")
    func revocationTakesEffectAtOnce() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let client = try server.connect()
        try client.send(HTTPWire.request("GET", "/v1/object-types", token: server.readKey))
        #expect(try client.readResponse().status == 200)
        try server.server.keys.revoke(name: "reader", now: Ledger.clock())
        try client.send(HTTPWire.request("GET", "/v1/object-types", token: server.readKey))
        let refused = try client.readResponse()
        #expect(refused.status == 401, "\(refused)")
        #expect(refused.code == "unauthorized")
        // Other keys are unaffected.
        try client.send(HTTPWire.request("GET", "/v1/object-types", token: server.appendKey))
        #expect(try client.readResponse().status == 200)
    }

    @Test("A key revoked by another process (another KeyStore on the same directory) stops at once")
    func revocationByAnotherKeyStore() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let other = KeyStore(ledgerDirectory: server.directory)
        // A key created elsewhere works on the running server without a restart…
        let fresh = try other.create(name: "late", role: .append, now: Ledger.clock())
        let client = try server.connect()
        try client.send(HTTPWire.request("POST", "/v1/object-types", body: Bodies.defineOrder, token: fresh))
        #expect(try client.readResponse().status == 201)
        // …and revoking it elsewhere stops it at the next request.
        for round in 0..<5 {
            let name = "late-\(round)"
            let key = try other.create(name: name, role: .append, now: Ledger.clock())
            try client.send(HTTPWire.request("GET", "/v1/object-types", token: key))
            #expect(try client.readResponse().status == 200, "round \(round)")
            try other.revoke(name: name, now: Ledger.clock())
            try client.send(HTTPWire.request("GET", "/v1/object-types", token: key))
            #expect(try client.readResponse().status == 401, "round \(round): the revoked key still worked")
        }
        try other.revoke(name: "late", now: Ledger.clock())
        try client.send(HTTPWire.request("POST", "/v1/object-types", body: Bodies.defineLineItem, token: fresh))
        #expect(try client.readResponse().status == 401)
        #expect(server.server.service.head.seq == 1)
    }

    @Test("A key file that cannot be read refuses every keyed request instead of letting it through")
    func damagedKeyFileFailsClosed() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try Data("not json".utf8).write(to: URL(fileURLWithPath: harness.directory + "/keys.json"))
        let reply = harness.call("GET", "/v1/object-types", as: .admin)
        #expect(reply.status >= 400 && reply.status != 403, "\(reply)")
        #expect(!(200..<300).contains(reply.status))
        #expect(harness.call("GET", "/v1/health", as: nil).status == 200)
    }
}
