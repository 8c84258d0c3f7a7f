import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesTestSupport

/// Every refusal is an RFC 9457 problem (`application/problem+json`) with
/// the spec's `code` and the matching status, and appends nothing.
@Suite("HTTP API problem details")
struct APIProblemTests {
    /// Checks the problem+json envelope and returns the body.
    @discardableResult
    static func problem(_ reply: Reply, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONDoc {
        #expect(reply.status == status, "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.contentType == "application/problem+json", "\(reply)", sourceLocation: sourceLocation)
        let body = reply.json
        #expect(body["code"].string == code, "\(reply)", sourceLocation: sourceLocation)
        #expect(body["status"].int == Int64(status), "\(reply)", sourceLocation: sourceLocation)
        #expect(body["type"].string?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(body["title"].string?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(body["detail"].string?.isEmpty == false, sourceLocation: sourceLocation)
        return body
    }

    struct BadBody: Sendable, CustomTestStringConvertible {
        let method: String
        let path: String
        let body: String
        let status: Int
        let code: String
        var testDescription: String { "\(method) \(path) \(body.prefix(60)) → \(status) \(code)" }
    }

    /// Bodies refused before any state is consulted.
    static let badBodies: [BadBody] = [
        BadBody(method: "POST", path: "/v1/object-types", body: "{", status: 400, code: "invalid_json"),
        BadBody(method: "POST", path: "/v1/object-types", body: "", status: 400, code: "invalid_json"),
        BadBody(method: "POST", path: "/v1/object-types", body: #"{"name":"a",}"#, status: 400, code: "invalid_json"),
        BadBody(method: "POST", path: "/v1/object-types", body: #"{"name":"a","name":"b"}"#, status: 400, code: "invalid_json"),
        BadBody(method: "POST", path: "/v1/object-types", body: String(repeating: "[", count: 200) + String(repeating: "]", count: 200), status: 400, code: "invalid_json"),
        BadBody(method: "POST", path: "/v1/batch", body: "[{]", status: 400, code: "invalid_json"),
        BadBody(method: "PATCH", path: "/v1/relationships", body: "nope", status: 400, code: "invalid_json"),
        BadBody(method: "DELETE", path: "/v1/relationships", body: "", status: 400, code: "invalid_json"),
        BadBody(method: "POST", path: "/v1/object-types", body: "[]", status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/object-types", body: #""order""#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/object-types", body: #"{"name":"order","colour":"red"}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/object-types", body: #"{"name":""}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/object-types", body: #"{"name":"\#(String(repeating: "n", count: 256))"}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/object-types", body: #"{"name":"order","description":""}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/object-types", body: #"{"name":"order","description":"\#(String(repeating: "d", count: 1001))"}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/object-types", body: #"{"name":7}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/object-types", body: #"{"op":"link","name":"order"}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/object-types", body: #"{"name":"order","expectedHeadSeq":"zero"}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/relationship-types", body: #"{"kind":"sideways","role":"r","customObjectType":"order"}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/relationship-types", body: #"{"kind":"person_to_co","role":"r","parentCustomObjectType":"order"}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/relationship-types", body: #"{"kind":"person_to_co","role":"r","customObjectType":"order","cardinality":"SOME"}"#, status: 400, code: "invalid_cardinality"),
        BadBody(method: "POST", path: "/v1/relationships", body: #"{"relationshipTypeId":"rt_x"}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/relationships", body: #"{"personExternalId":"u","customObjectExternalId":"o"}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/batch", body: "[]", status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/batch", body: #"{"ops":[]}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/batch", body: #"{"operations":[{"op":"defineObjectType","name":"a"}],"colour":1}"#, status: 400, code: "invalid_field"),
        BadBody(method: "POST", path: "/v1/batch", body: "17", status: 400, code: "invalid_field"),
    ]

    @Test("A malformed or invalid body is a problem with its code, and nothing is appended", arguments: badBodies)
    func badBodyIsRefused(_ bad: BadBody) throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineOrder)
        Self.problem(harness.call(bad.method, bad.path, bad.body), bad.status, bad.code)
        #expect(harness.head == 1)
    }

    @Test("An attribute value that is not a scalar, or too long, is invalid_field")
    func badAttributes() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        for attributes in [#"{"a":{"nested":1}}"#, #"{"a":[1]}"#, #"{"a":"\#(String(repeating: "v", count: 4097))"}"#, #"{"":"empty key"}"#] {
            let body = #"{"relationshipTypeId":"\#(placed)","personExternalId":"u","customObjectExternalId":"o","attributes":\#(attributes)}"#
            Self.problem(harness.call("POST", "/v1/relationships", body), 400, "invalid_field")
        }
        let hundredAndOne = (0...100).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        let body = #"{"relationshipTypeId":"\#(placed)","personExternalId":"u","customObjectExternalId":"o","attributes":{\#(hundredAndOne)}}"#
        Self.problem(harness.call("POST", "/v1/relationships", body), 400, "invalid_field")
        #expect(harness.head == 4)
    }

    @Test("An unknown object type is 404 unknown_object_type with close names as suggestions")
    func unknownObjectTypeSuggests() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineOrder)
        try harness.expect(201, "POST", "/v1/object-types", #"{"name":"household"}"#)
        let body = Self.problem(harness.call("POST", "/v1/relationship-types", #"{"kind":"person_to_co","role":"placed","customObjectType":"Ordr"}"#),
                                404, "unknown_object_type")
        #expect(body["suggestions"].array.map(\.string) == ["order"])
        #expect(body["name"].string == "Ordr")

        let far = Self.problem(harness.call("POST", "/v1/relationship-types", #"{"kind":"person_to_co","role":"placed","customObjectType":"zzzzzzzz"}"#),
                               404, "unknown_object_type")
        #expect(far["suggestions"].array.isEmpty)
        #expect(far["suggestions"].exists)
        #expect(harness.head == 2)
    }

    @Test("A record of an undefined object type is 404 unknown_object_type with suggestions, never an empty list",
          arguments: ["/v1/records/ordr/o-1/relationships", "/v1/records/ordr/o-1/relationships?asOf=1", "/v1/records/ordr/o-1/history"])
    func queriesOfAnUndefinedObjectType(_ target: String) throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineOrder)
        let body = Self.problem(harness.call("GET", target, as: .read), 404, "unknown_object_type")
        #expect(body["suggestions"].array.map(\.string) == ["order"])
        #expect(body["name"].string == "ordr")
        #expect(body["field"].string == "type")
        try harness.expect(200, "GET", "/v1/records/person/never-linked/relationships", as: .read)
        try harness.expect(200, "GET", "/v1/records/order/never-linked/history", as: .read)
    }

    @Test("A link to an unregistered relationship type is 404 unknown_relationship_type")
    func unknownRelationshipType() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        _ = try harness.defineShop()
        Self.problem(harness.call("POST", "/v1/relationships", Bodies.placed("rt_doesnotexist", "u1", "o1")), 404, "unknown_relationship_type")
        let byKey = #"{"relationshipType":{"kind":"person_to_co","role":"returned","customObjectType":"order"},"personExternalId":"u1","customObjectExternalId":"o1"}"#
        Self.problem(harness.call("POST", "/v1/relationships", byKey), 404, "unknown_relationship_type")
        Self.problem(harness.call("DELETE", "/v1/relationships", Bodies.placed("rt_doesnotexist", "u1", "o1")), 404, "unknown_relationship_type")
        #expect(harness.head == 4)
    }

    @Test("A link that breaks the cardinality is 409 cardinality_violation naming the existing link")
    func cardinalityViolation() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, contains) = try harness.defineShop()
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1"))
        let body = Self.problem(harness.call("POST", "/v1/relationships", Bodies.placed(placed, "u2", "o1")), 409, "cardinality_violation")
        #expect(body["existing"]["from"].string == "person:u1")
        #expect(body["existing"]["to"].string == "order:o1")
        #expect(body["existing"]["relationshipTypeId"].string == placed)
        #expect(body["cardinality"].string == "ONE_TO_MANY")
        // ONE_TO_MANY allows many orders per person.
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o2"))

        // Tightening a type whose links already break it fails the same way.
        try harness.expect(201, "POST", "/v1/relationships", Bodies.contains(contains, "o1", "li1"))
        try harness.expect(201, "POST", "/v1/relationships", Bodies.contains(contains, "o2", "li1"))
        let head = harness.head
        let tighten = #"{"kind":"co_to_co","role":"contains","parentCustomObjectType":"order","childCustomObjectType":"line_item","cardinality":"ONE_TO_MANY"}"#
        let tightened = Self.problem(harness.call("POST", "/v1/relationship-types", tighten), 409, "cardinality_violation")
        #expect(tightened["existing"]["to"].string == "line_item:li1")
        #expect(harness.head == head)
    }

    @Test("Changing or removing a link that does not exist is 404 relationship_not_found")
    func relationshipNotFound() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        Self.problem(harness.call("DELETE", "/v1/relationships", Bodies.placed(placed, "u1", "o1")), 404, "relationship_not_found")
        let patch = #"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1","set":{"a":1}}"#
        let body = Self.problem(harness.call("PATCH", "/v1/relationships", patch), 404, "relationship_not_found")
        #expect(body["relationship"]["from"].string == "person:u1")
        #expect(harness.head == 4)
    }

    // `/` is the web console's page (ConsoleTests).
    @Test("A path that is no endpoint is 404 not_found", arguments: [
        "/v1", "/v1/", "/v1/nope", "/v2/health", "/v1/health/", "/v1/records", "/v1/records/person/u1/erase/now",
        "/v1/records/person/u1/friends", "/v1/records//u1/relationships", "/v1/records/person//history", "//v1/health", "/V1/HEALTH",
    ])
    func unknownPath(_ path: String) throws {
        let harness = try APIHarness()
        defer { harness.close() }
        Self.problem(harness.call("GET", path, as: .read), 404, "not_found")
    }

    struct WrongMethod: Sendable, CustomTestStringConvertible {
        let method: String
        let path: String
        let allow: String
        var testDescription: String { "\(method) \(path) → Allow: \(allow)" }
    }

    @Test("A known path with another method is 405 with Allow", arguments: [
        WrongMethod(method: "DELETE", path: "/v1/health", allow: "GET"),
        WrongMethod(method: "POST", path: "/v1/health", allow: "GET"),
        WrongMethod(method: "PUT", path: "/v1/relationships", allow: "POST, PATCH, DELETE"),
        WrongMethod(method: "GET", path: "/v1/relationships", allow: "POST, PATCH, DELETE"),
        WrongMethod(method: "GET", path: "/v1/batch", allow: "POST"),
        WrongMethod(method: "DELETE", path: "/v1/object-types", allow: "POST, GET"),
        WrongMethod(method: "PATCH", path: "/v1/relationship-types", allow: "POST, GET"),
        WrongMethod(method: "POST", path: "/v1/events", allow: "GET"),
        WrongMethod(method: "POST", path: "/v1/records/person/u1/relationships", allow: "GET"),
        WrongMethod(method: "DELETE", path: "/v1/records/person/u1/history", allow: "GET"),
        WrongMethod(method: "PUT", path: "/v1/openapi.json", allow: "GET"),
        // A method of HTTP that no route serves: 405, not 501 (found by schemathesis).
        WrongMethod(method: "TRACE", path: "/v1/relationships", allow: "POST, PATCH, DELETE"),
        WrongMethod(method: "QUERY", path: "/v1/audit", allow: "GET"),
    ])
    func wrongMethod(_ wrong: WrongMethod) throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let reply = harness.call(wrong.method, wrong.path, as: .admin)
        #expect(reply.status == 405, "\(reply)")
        #expect(reply.contentType == "application/problem+json")
        #expect(reply.headers["allow"] == wrong.allow)
        #expect(reply.json["status"].int == 405)
    }

    @Test("HEAD is answered like GET")
    func headIsGet() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        #expect(harness.call("HEAD", "/v1/health", as: nil).status == 200)
        #expect(harness.call("HEAD", "/v1/object-types", as: .read).status == 200)
        #expect(harness.call("HEAD", "/v1/object-types", as: nil).status == 401)
    }

    @Test("If-Match that is not the head is 409 sequence_conflict with the head seq; a matching one commits")
    func ifMatch() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineOrder, headers: [("If-Match", "0")])
        let stale = Self.problem(harness.call("POST", "/v1/object-types", Bodies.defineLineItem, headers: [("If-Match", "0")]),
                                 409, "sequence_conflict")
        #expect(stale["headSeq"].int == 1)
        #expect(stale["expectedHeadSeq"].int == 0)
        #expect(harness.head == 1)
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineLineItem, headers: [("If-Match", "\"1\"")])
        #expect(harness.head == 2)
        Self.problem(harness.call("POST", "/v1/object-types", #"{"name":"x"}"#, headers: [("If-Match", "3")]), 409, "sequence_conflict")
        // A no-op guarded by a stale head is refused too: the client's view is stale.
        Self.problem(harness.call("POST", "/v1/object-types", Bodies.defineLineItem, headers: [("If-Match", "1")]), 409, "sequence_conflict")
        for bad in ["*", "abc", "-1", "1.5", "\"\"", "W/\"2\""] {
            Self.problem(harness.call("POST", "/v1/object-types", #"{"name":"x"}"#, headers: [("If-Match", bad)]), 400, "invalid_field")
        }
        #expect(harness.head == 2)
    }

    @Test("expectedHeadSeq in the body works like If-Match, for single writes and batches")
    func expectedHeadSeq() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", #"{"name":"order","expectedHeadSeq":0}"#)
        Self.problem(harness.call("POST", "/v1/object-types", #"{"name":"x","expectedHeadSeq":0}"#), 409, "sequence_conflict")
        Self.problem(harness.call("POST", "/v1/batch", #"{"operations":[{"op":"defineObjectType","name":"x"}],"expectedHeadSeq":7}"#),
                     409, "sequence_conflict")
        try harness.expect(200, "POST", "/v1/batch", #"{"operations":[{"op":"defineObjectType","name":"x"}],"expectedHeadSeq":1}"#)
        // Header and body must agree.
        Self.problem(harness.call("POST", "/v1/object-types", #"{"name":"y","expectedHeadSeq":2}"#, headers: [("If-Match", "1")]),
                     400, "invalid_field")
        try harness.expect(201, "POST", "/v1/object-types", #"{"name":"y","expectedHeadSeq":2}"#, headers: [("If-Match", "2")])
        #expect(harness.head == 3)
        // 3.0 is an integer to JSON Schema, so to the OpenAPI document
        // (schemathesis sent it, and got 400); 3.5 and 1e300 are not seqs.
        Self.problem(harness.call("POST", "/v1/object-types", #"{"name":"z","expectedHeadSeq":2.0}"#), 409, "sequence_conflict")
        for notASeq in ["3.5", "1e300"] {
            Self.problem(harness.call("POST", "/v1/object-types", #"{"name":"z","expectedHeadSeq":\#(notASeq)}"#), 400, "invalid_field")
        }
        try harness.expect(201, "POST", "/v1/object-types", #"{"name":"z","expectedHeadSeq":3.0}"#)
        try harness.expect(201, "POST", "/v1/object-types", #"{"name":"w","expectedHeadSeq":4e0}"#)
        #expect(harness.head == 5)
    }

    @Test("Problems of the rules never leak attribute values into the detail")
    func detailHasNoPayload() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        let secret = "s3cr3t-payload-value"
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1", attributes: #"{"ssn":"\#(secret)"}"#))
        let reply = harness.call("POST", "/v1/relationships", Bodies.placed(placed, "u2", "o1", attributes: #"{"ssn":"\#(secret)"}"#))
        #expect(reply.status == 409)
        #expect(!reply.text.contains(secret))
    }
}
