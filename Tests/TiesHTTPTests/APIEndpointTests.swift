import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesTestSupport

/// Every endpoint (TiesHTTP.docc/Endpoints.md) through the in-process API: statuses, JSON
/// shapes and content types of the successful answers.
@Suite("HTTP API endpoints")
struct APIEndpointTests {
    @Test("Health answers without a key with the status and the head seq")
    func healthNeedsNoKey() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let before = harness.call("GET", "/v1/health", as: nil)
        #expect(before.status == 200)
        #expect(before.contentType == "application/json")
        #expect(before.json["status"].string == "ok")
        #expect(before.json["headSeq"].int == 0)
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineOrder)
        #expect(harness.call("GET", "/v1/health", as: nil).json["headSeq"].int == 1)
    }

    @Test("The OpenAPI document is served as JSON to any key, and only with a key")
    func openAPIIsServed() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        #expect(harness.call("GET", "/v1/openapi.json", as: nil).status == 401)
        let reply = harness.call("GET", "/v1/openapi.json", as: .read)
        #expect(reply.status == 200)
        #expect(reply.contentType == "application/json")
        #expect(reply.json["openapi"].string?.hasPrefix("3.1") == true, "\(reply)")
    }

    @Test("Defining an object type answers 201 once, then 200 unchanged, then 200 with a seq when the description changes")
    func objectTypeUpsert() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let created = harness.call("POST", "/v1/object-types", Bodies.defineOrder)
        #expect(created.status == 201)
        #expect(created.contentType == "application/json")
        #expect(created.json["created"].bool == true)
        #expect(created.json["name"].string == "order")
        #expect(created.json["description"].string == "A purchase")
        #expect(created.json["seq"].int == 1)

        let unchanged = harness.call("POST", "/v1/object-types", Bodies.defineOrder)
        #expect(unchanged.status == 200)
        #expect(unchanged.json["created"].bool == false)
        #expect(unchanged.json["seq"].isNull)
        #expect(harness.head == 1)

        let redescribed = harness.call("POST", "/v1/object-types", #"{"name":"order","description":"Something bought"}"#)
        #expect(redescribed.status == 200)
        #expect(redescribed.json["created"].bool == false)
        #expect(redescribed.json["seq"].int == 2)

        let listed = try harness.expect(200, "GET", "/v1/object-types", as: .read)
        #expect(listed["objectTypes"].array.count == 1)
        #expect(listed["objectTypes"][0]["name"].string == "order")
        #expect(listed["objectTypes"][0]["description"].string == "Something bought")
    }

    @Test("An op field that names the endpoint's own operation is accepted")
    func matchingOpFieldIsAccepted() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", #"{"op":"defineObjectType","name":"order"}"#)
    }

    @Test("Registering a relationship type answers 201 with its ID, then 200 for a refinement or a repeat")
    func relationshipTypeUpsert() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineOrder)
        let created = harness.call("POST", "/v1/relationship-types", Bodies.registerPlaced)
        #expect(created.status == 201)
        #expect(created.contentType == "application/json")
        let body = created.json
        let id = try #require(body["relationshipTypeId"].string)
        #expect(id.hasPrefix("rt_"))
        #expect(body["created"].bool == true)
        #expect(body["kind"].string == "person_to_co")
        #expect(body["role"].string == "placed")
        #expect(body["customObjectType"].string == "order")
        #expect(body["cardinality"].string == "ONE_TO_MANY")
        #expect(body["bidirectional"].bool == true)
        #expect(body["seq"].int == 2)

        let repeated = harness.call("POST", "/v1/relationship-types", Bodies.registerPlaced)
        #expect(repeated.status == 200)
        #expect(repeated.json["created"].bool == false)
        #expect(repeated.json["relationshipTypeId"].string == id)
        #expect(repeated.json["seq"].isNull)
        #expect(harness.head == 2)

        let refined = harness.call("POST", "/v1/relationship-types",
                                   #"{"kind":"person_to_co","role":"placed","customObjectType":"order","description":"who bought it"}"#)
        #expect(refined.status == 200)
        #expect(refined.json["created"].bool == false)
        #expect(refined.json["relationshipTypeId"].string == id)
        #expect(refined.json["seq"].int == 3)
        #expect(refined.json["description"].string == "who bought it")
        // Omitted optional fields are preserved.
        #expect(refined.json["cardinality"].string == "ONE_TO_MANY")
        #expect(refined.json["bidirectional"].bool == true)
    }

    @Test("An inverse role is registered, kept when omitted, replaced by a new one, and listed with the type")
    func inverseRoleUpsert() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineOrder)
        let named = #"{"kind":"person_to_co","role":"placed","customObjectType":"order","inverseRole":"placed_by"}"#
        let created = try harness.expect(201, "POST", "/v1/relationship-types", named)
        let id = try #require(created["relationshipTypeId"].string)
        #expect(created["inverseRole"].string == "placed_by")
        #expect(try harness.expect(200, "POST", "/v1/relationship-types", named)["seq"].isNull)

        let omitted = try harness.expect(200, "POST", "/v1/relationship-types",
                                         #"{"kind":"person_to_co","role":"placed","customObjectType":"order","bidirectional":true}"#)
        #expect(omitted["inverseRole"].string == "placed_by")
        let renamed = try harness.expect(200, "POST", "/v1/relationship-types",
                                         #"{"kind":"person_to_co","role":"placed","customObjectType":"order","inverseRole":"bought_by"}"#)
        #expect(renamed["inverseRole"].string == "bought_by")
        #expect(renamed["seq"].int == 4)

        let events = try harness.expect(200, "GET", "/v1/events?after=1", as: .read)["events"].array.map { $0["event"] }
        #expect(events.map { $0["inverseRole"].string } == ["placed_by", nil, "bought_by"])
        #expect(events[1]["bidirectional"].bool == true)
        #expect(events[2]["relationshipTypeId"].string == id)
        let listed = try harness.expect(200, "GET", "/v1/relationship-types", as: .read)
        #expect(listed["personToCo"][0]["inverseRole"].string == "bought_by")

        let bad = harness.call("POST", "/v1/relationship-types", #"{"kind":"person_to_co","role":"owns","customObjectType":"order","inverseRole":"a/b"}"#)
        #expect(bad.status == 400)
        #expect(bad.json["code"].string == "invalid_field")
        #expect(bad.json["field"].string == "inverseRole")
    }

    @Test("Relationship types are listed split into personToCo and coToCo")
    func relationshipTypesAreListedByKind() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, contains) = try harness.defineShop()
        let listed = try harness.expect(200, "GET", "/v1/relationship-types", as: .read)
        #expect(listed.keys == ["personToCo", "coToCo"])
        #expect(listed["personToCo"].array.map { $0["relationshipTypeId"].string } == [placed])
        #expect(listed["coToCo"].array.map { $0["relationshipTypeId"].string } == [contains])
        #expect(listed["coToCo"][0]["parentCustomObjectType"].string == "order")
        #expect(listed["coToCo"][0]["childCustomObjectType"].string == "line_item")
        #expect(listed["personToCo"][0]["customObjectType"].string == "order")
    }

    @Test("Linking answers 201 with created, the type ID and the seq; linking again answers 200 with no seq")
    func linkAnswers() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, contains) = try harness.defineShop()
        let linked = harness.call("POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1", attributes: #"{"channel":"web"}"#))
        #expect(linked.status == 201)
        #expect(linked.contentType == "application/json")
        #expect(linked.json["created"].bool == true)
        #expect(linked.json["relationshipTypeId"].string == placed)
        #expect(linked.json["seq"].int == 5)
        #expect(linked.json["from"].string == "person:u1")
        #expect(linked.json["to"].string == "order:o1")

        let again = harness.call("POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1", attributes: #"{"channel":"web"}"#))
        #expect(again.status == 200)
        #expect(again.json["created"].bool == false)
        #expect(again.json["relationshipTypeId"].string == placed)
        #expect(again.json["seq"].isNull)
        #expect(harness.head == 5)

        // New attributes on an existing link: not created, but a seq.
        let changed = harness.call("POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1", attributes: #"{"channel":"app"}"#))
        #expect(changed.status == 200)
        #expect(changed.json["created"].bool == false)
        #expect(changed.json["seq"].int == 6)

        // A co_to_co link, named by its key fields instead of its ID.
        let byKey = harness.call("POST", "/v1/relationships", #"""
            {"relationshipType":{"kind":"co_to_co","role":"contains","parentCustomObjectType":"order","childCustomObjectType":"line_item"},
             "parentExternalId":"o1","childExternalId":"li1"}
            """#)
        #expect(byKey.status == 201)
        #expect(byKey.json["relationshipTypeId"].string == contains)
        #expect(byKey.json["from"].string == "order:o1")
        #expect(byKey.json["to"].string == "line_item:li1")
        #expect(byKey.json["seq"].int == 7)
    }

    @Test("PATCH sets and unsets attributes; DELETE unlinks; both answer 200 with the seq")
    func setAttributesAndUnlink() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1", attributes: #"{"channel":"web","n":1}"#))
        let patch = #"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1","set":{"status":"returned"},"unset":["channel"]}"#
        let patched = harness.call("PATCH", "/v1/relationships", patch)
        #expect(patched.status == 200)
        #expect(patched.contentType == "application/json")
        #expect(patched.json["changed"].bool == true)
        #expect(patched.json["seq"].int == 6)
        #expect(patched.json["relationshipTypeId"].string == placed)

        let samePatch = harness.call("PATCH", "/v1/relationships", patch)
        #expect(samePatch.status == 200)
        #expect(samePatch.json["changed"].bool == false)
        #expect(samePatch.json["seq"].isNull)

        let view = try harness.expect(200, "GET", "/v1/records/person/u1/relationships", as: .read)
        #expect(view["relationships"][0]["attributes"].value == .object(["status": .string("returned"), "n": .int(1)]))

        let unlinked = harness.call("DELETE", "/v1/relationships", Bodies.placed(placed, "u1", "o1"))
        #expect(unlinked.status == 200)
        #expect(unlinked.json["seq"].int == 7)
        #expect(unlinked.json["op"].string == "unlink")
        let after = try harness.expect(200, "GET", "/v1/records/person/u1/relationships", as: .read)
        #expect(after["relationships"].array.isEmpty)
    }

    @Test("A batch is one commit answering firstSeq, lastSeq and one result per operation")
    func batchAnswers() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let body = #"""
            [{"op":"defineObjectType","name":"order"},
             {"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order"},
             {"op":"defineObjectType","name":"order"},
             {"op":"link","relationshipType":{"kind":"person_to_co","role":"placed","customObjectType":"order"},"personExternalId":"u1","customObjectExternalId":"o1"}]
            """#
        let reply = harness.call("POST", "/v1/batch", body)
        #expect(reply.status == 200, "\(reply)")
        #expect(reply.contentType == "application/json")
        #expect(reply.json.keys == ["firstSeq", "lastSeq", "results"])
        #expect(reply.json["firstSeq"].int == 1)
        #expect(reply.json["lastSeq"].int == 3)
        let results = reply.json["results"].array
        #expect(results.map { $0["op"].string } == ["defineObjectType", "registerRelationshipType", "defineObjectType", "link"])
        #expect(results.map { $0["seq"].int } == [1, 2, nil, 3])
        #expect(results.map { $0["created"].bool } == [true, true, false, true])
        #expect(harness.head == 3)

        // One commit: every event carries the same commitSeq.
        let events = try harness.expect(200, "GET", "/v1/events?after=0", as: .read)
        #expect(Set(events["events"].array.map { $0["commitSeq"].int }) == [1])
    }

    @Test("A batch may be an object with operations, expectedHeadSeq and reason")
    func batchEnvelope() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let reply = harness.call("POST", "/v1/batch", #"{"operations":[{"op":"defineObjectType","name":"order"}],"expectedHeadSeq":0,"reason":"set-up"}"#)
        #expect(reply.status == 200, "\(reply)")
        #expect(reply.json["firstSeq"].int == 1)
        let history = try harness.expect(200, "GET", "/v1/events?after=0", as: .read)
        #expect(history["events"][0]["reason"].string == "set-up")
        #expect(history["events"][0]["actor"].string == "writer")
    }

    @Test("A batch of only no-ops answers null seqs and appends nothing")
    func noOpBatch() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", Bodies.defineLineItem)
        let reply = harness.call("POST", "/v1/batch", #"[{"op":"defineObjectType","name":"line_item"}]"#)
        #expect(reply.status == 200)
        #expect(reply.json["firstSeq"].isNull)
        #expect(reply.json["lastSeq"].isNull)
        #expect(reply.json["results"][0]["seq"].isNull)
        #expect(harness.head == 1)
    }

    @Test("One bad operation rejects the whole batch with its index, and nothing is appended")
    func batchIsAtomic() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        let head = harness.head
        let body = #"""
            [{"op":"defineObjectType","name":"household"},
             {"op":"link","relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1"},
             {"op":"link","relationshipTypeId":"\#(placed)","personExternalId":"u2","customObjectExternalId":"o1"}]
            """#
        let reply = harness.call("POST", "/v1/batch", body)
        #expect(reply.status == 409, "\(reply)")
        #expect(reply.code == "cardinality_violation")
        #expect(reply.json["index"].int == 2)
        #expect(reply.contentType == "application/problem+json")
        #expect(harness.head == head)
        let types = try harness.expect(200, "GET", "/v1/object-types", as: .read)
        #expect(!types["objectTypes"].array.contains { $0["name"].string == "household" })
        let view = try harness.expect(200, "GET", "/v1/records/person/u1/relationships", as: .read)
        #expect(view["relationships"].array.isEmpty)

        // A structurally bad item is refused with its index too.
        let undecodable = harness.call("POST", "/v1/batch", #"[{"op":"defineObjectType","name":"a"},{"op":"explode"}]"#)
        #expect(undecodable.status == 400)
        #expect(undecodable.code == "invalid_field")
        #expect(undecodable.json["index"].int == 1)
        #expect(harness.head == head)
    }

    @Test("A record's relationships are listed now and as of a seq or an RFC 3339 time")
    func recordRelationshipsAsOf() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        let beforeAnyLink = harness.head
        let linked = try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1", attributes: #"{"v":1}"#))
        let linkSeq = try #require(linked["seq"].int)
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o2"))
        try harness.expect(200, "DELETE", "/v1/relationships", Bodies.placed(placed, "u1", "o1"))

        let now = try harness.expect(200, "GET", "/v1/records/person/u1/relationships", as: .read)
        #expect(now["record"].string == "person:u1")
        #expect(now["asOfSeq"].int == harness.head)
        let asOfTime = try #require(now["asOfTime"].string)
        #expect(Timestamp(rfc3339: asOfTime) != nil, "asOfTime \(asOfTime) is not RFC 3339")
        #expect(now["relationships"].array.map { $0["to"].string } == ["order:o2"])
        let link = now["relationships"][0]
        #expect(link["direction"].string == "forward")
        #expect(link["relationshipTypeId"].string == placed)
        #expect(link["kind"].string == "person_to_co")
        #expect(link["role"].string == "placed")
        #expect(Timestamp(rfc3339: link["linkedAt"].string ?? "") != nil)
        #expect(Timestamp(rfc3339: link["versionAt"].string ?? "") != nil)

        let atLink = try harness.expect(200, "GET", "/v1/records/person/u1/relationships?asOf=\(linkSeq)", as: .read)
        #expect(atLink["asOfSeq"].int == linkSeq)
        #expect(atLink["relationships"].array.map { $0["to"].string } == ["order:o1"])
        #expect(atLink["relationships"][0]["attributes"]["v"].int == 1)

        let beforeLinks = try harness.expect(200, "GET", "/v1/records/person/u1/relationships?asOf=\(beforeAnyLink)", as: .read)
        #expect(beforeLinks["relationships"].array.isEmpty)

        let longAgo = try harness.expect(200, "GET", "/v1/records/person/u1/relationships?asOf=2000-01-01T00:00:00Z", as: .read)
        #expect(longAgo["asOfSeq"].int == 0)
        #expect(longAgo["relationships"].array.isEmpty)

        let later = Timestamp(millisecondsSinceEpoch: Ledger.clock().millisecondsSinceEpoch + 60_000).description
        let inTheFuture = try harness.expect(200, "GET", "/v1/records/person/u1/relationships?asOf=\(later)", as: .read)
        #expect(inTheFuture["asOfSeq"].int == harness.head)
        #expect(inTheFuture["relationships"].array.map { $0["to"].string } == ["order:o2"])
    }

    @Test("A bidirectional link is listed on its to record with direction inverse")
    func inverseLinksAreListed() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, contains) = try harness.defineShop()
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1"))
        try harness.expect(201, "POST", "/v1/relationships", Bodies.contains(contains, "o1", "li1"))
        let order = try harness.expect(200, "GET", "/v1/records/order/o1/relationships", as: .read)
        let byDirection = Dictionary(grouping: order["relationships"].array) { $0["direction"].string ?? "?" }
        #expect(byDirection["inverse"]?.map { $0["from"].string } == ["person:u1"])
        #expect(byDirection["forward"]?.map { $0["to"].string } == ["line_item:li1"])
        // contains is not bidirectional: the line item does not list it.
        let item = try harness.expect(200, "GET", "/v1/records/line_item/li1/relationships", as: .read)
        #expect(item["relationships"].array.isEmpty)
    }

    @Test("A record's history is paged newest first with a next cursor until the last page")
    func historyPaging() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        var seqs: [Int64] = []
        for order in ["o1", "o2", "o3", "o4", "o5"] {
            let linked = try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", order))
            seqs.append(try #require(linked["seq"].int))
        }
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "someone-else", "o9"))

        var pages: [[Int64]] = []
        var cursor: String?
        for _ in 0..<10 {
            let target = "/v1/records/person/u1/history?limit=2" + (cursor.map { "&after=\($0)" } ?? "")
            let page = try harness.expect(200, "GET", target, as: .read)
            #expect(page["record"].string == "person:u1")
            pages.append(page["entries"].array.compactMap { $0["seq"].int })
            for entry in page["entries"].array {
                #expect(entry["actor"].string == "writer")
                #expect(Timestamp(rfc3339: entry["at"].string ?? "") != nil)
                #expect(entry["event"]["type"].string == "relationship.linked")
                #expect(entry["event"]["from"].string == "person:u1")
            }
            guard let next = page["next"].string else {
                #expect(page["next"].isNull)
                break
            }
            cursor = next
        }
        #expect(pages == [[seqs[4], seqs[3]], [seqs[2], seqs[1]], [seqs[0]]])
    }

    @Test("History refuses a cursor it did not issue and a limit out of range")
    func historyRefusesBadPaging() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        for target in ["/v1/records/person/u1/history?after=bogus", "/v1/records/person/u1/history?limit=0",
                       "/v1/records/person/u1/history?limit=x", "/v1/records/person/u1/history?limit=100000000"] {
            let reply = harness.call("GET", target, as: .read)
            #expect(reply.status == 400, "\(target) → \(reply)")
            #expect(reply.code == "invalid_field", "\(target)")
        }
    }

    @Test("A link's story: every version from its link to its unlink, the current one open-ended, each with its events and who made them")
    func relationshipVersions() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1", attributes: #"{"s":"new"}"#))
        try harness.expect(200, "PATCH", "/v1/relationships",
                           #"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1","set":{"s":"paid"},"actor":"support:ann","reason":"paid by phone"}"#)
        try harness.expect(200, "DELETE", "/v1/relationships", #"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1","reason":"cancelled"}"#)
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1", attributes: #"{"s":"again"}"#))

        for (parameter, type, from, to) in [("relationshipTypeId", placed, "person:u1", "order:o1"), ("relationshipType", placed, "u1", "o1"),
                                            ("relationshipType", "placed/order", "u1", "order:o1")] {
            let reply = try harness.expect(200, "GET", "/v1/relationships/history?\(parameter)=\(type)&from=\(from)&to=\(to)", as: .read)
            #expect(reply["relationshipTypeId"].string == placed)
            #expect(reply["from"].string == "person:u1")
            #expect(reply["to"].string == "order:o1")
            let versions = reply["versions"].array
            #expect(versions.map { $0["attributes"]["s"].string } == ["paid", "again"])
            #expect(versions.map { $0["fromSeq"].int } == [5, 8])
            #expect(versions.map { $0["toSeq"].int } == [7, nil])
            #expect(versions.last?["toAt"].isNull == true && versions.first?["toAt"].string != nil)
            let events = versions.first?["events"].array ?? []
            #expect(events.map { $0["seq"].int } == [5, 6, 7])
            #expect(events.map { $0["event"]["type"].string } == ["relationship.linked", "relationship.attributesChanged", "relationship.unlinked"])
            #expect(events.map { $0["actor"].string } == ["writer", "support:ann", "writer"])
            #expect(events.map { $0["principal"].string } == ["writer", "writer", "writer"])
            #expect(events.map { $0["reason"].string } == [nil, "paid by phone", "cancelled"])
            #expect(versions.last?["events"].array.map { $0["seq"].int } == [8])
        }
        let both = harness.call("GET", "/v1/relationships/history?relationshipType=\(placed)&relationshipTypeId=\(placed)&from=u1&to=o1", as: .read)
        #expect(both.status == 400 && both.code == "invalid_field", "\(both)")
        let badKey = harness.call("GET", "/v1/relationships/history?relationshipType=nope&from=u1&to=o1", as: .read)
        #expect(badKey.status == 400 && badKey.code == "invalid_field", "\(badKey)")
        let unknownKey = harness.call("GET", "/v1/relationships/history?relationshipType=owns/order&from=u1&to=o1", as: .read)
        #expect(unknownKey.status == 404 && unknownKey.code == "unknown_relationship_type", "\(unknownKey)")
    }

    @Test("Relationship history needs all three query parameters and a known type")
    func relationshipHistoryRefusals() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        for target in ["/v1/relationships/history", "/v1/relationships/history?relationshipTypeId=\(placed)&from=u1",
                       "/v1/relationships/history?from=u1&to=o1", "/v1/relationships/history?relationshipTypeId=\(placed)&from=&to=o1"] {
            let reply = harness.call("GET", target, as: .read)
            #expect(reply.status == 400, "\(target) → \(reply)")
            #expect(reply.code == "invalid_field")
        }
        let unknown = harness.call("GET", "/v1/relationships/history?relationshipTypeId=rt_nope&from=u1&to=o1", as: .read)
        #expect(unknown.status == 404)
        #expect(unknown.code == "unknown_relationship_type")
        // A link that never existed has no history: 404, naming the link.
        let never = harness.call("GET", "/v1/relationships/history?relationshipTypeId=\(placed)&from=u1&to=o1", as: .read)
        #expect(never.status == 404, "\(never)")
        #expect(never.code == "relationship_not_found")
        #expect(never.json["relationship"]["from"].string == "person:u1")
        #expect(never.json["relationship"]["to"].string == "order:o1")
        let overlong = harness.call("GET", "/v1/relationships/history?relationshipTypeId=\(placed)&from=\(String(repeating: "x", count: 256))&to=o1",
                                    as: .read)
        #expect(overlong.status == 400, "\(overlong)")
        #expect(overlong.code == "invalid_field")
    }

    @Test("The events feed pages oldest first with after and limit and reports the head")
    func eventsFeed() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1"))
        let head = harness.head
        #expect(head == 5)

        var seen: [Int64] = []
        var after = "0"
        for _ in 0..<10 {
            let page = try harness.expect(200, "GET", "/v1/events?after=\(after)&limit=2", as: .read)
            #expect(page["headSeq"].int == head)
            let seqs = page["events"].array.compactMap { $0["seq"].int }
            #expect(seqs.count <= 2)
            if seqs.isEmpty {
                #expect(page["next"].string == after)
                break
            }
            seen += seqs
            after = try #require(page["next"].string)
            #expect(after == String(seqs.last!))
        }
        #expect(seen == Array(1...head))

        let all = try harness.expect(200, "GET", "/v1/events", as: .read)
        #expect(all["events"].array.count == Int(head))
        #expect(all["events"][0]["event"]["type"].string == "objectType.defined")
        #expect(all["events"][4]["event"]["type"].string == "relationship.linked")
        #expect(all["events"][4]["actor"].string == "writer")

        // The bounds of `wait`: at the maximum a poll that has news answers at once.
        #expect(try harness.expect(200, "GET", "/v1/events?after=0&wait=\(HTTPLimits.feedWaitSecondsMax)", as: .read)["events"].array.count == Int(head))
        for target in ["/v1/events?after=-1", "/v1/events?limit=0", "/v1/events?wait=\(HTTPLimits.feedWaitSecondsMax + 1)", "/v1/events?after=x",
                       "/v1/events?limit=\(Limits.pageSizeMax + 1)"] {
            let reply = harness.call("GET", target, as: .read)
            #expect(reply.status == 400, "\(target) → \(reply)")
            #expect(reply.code == "invalid_field")
        }
    }

    @Test("A long poll on the events feed answers as soon as a commit lands")
    func eventsLongPoll() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        // The write comes once the poll waits (not after a guessed pause),
        // so the poll is woken by the commit rather than finding it there.
        let pollWaited = Collected<Bool>()
        let writer = Thread { [harness] in
            pollWaited.append(Wait.until { harness.service.headWaiters == 1 })
            _ = harness.call("POST", "/v1/object-types", Bodies.defineOrder)
        }
        writer.start()
        let started = Deadline.nowNanoseconds()
        let page = try harness.expect(200, "GET", "/v1/events?after=0&wait=60", as: .read)
        let elapsedMs = (Deadline.nowNanoseconds() - started) / 1_000_000
        #expect(page["events"].array.map { $0["seq"].int } == [1])
        #expect(Wait.until { !pollWaited.all.isEmpty } && pollWaited.all == [true], "the poll was never seen waiting")
        // Answered on the commit, not at the end of its 60 s wait.
        #expect(elapsedMs < 50_000, "the long poll took \(elapsedMs) ms")

        // Nothing new: it waits out `wait`, then answers an empty page.
        let quiet = Deadline.nowNanoseconds()
        let empty = try harness.expect(200, "GET", "/v1/events?after=1&wait=1", as: .read)
        #expect(empty["events"].array.isEmpty)
        #expect(Deadline.nowNanoseconds() - quiet >= 900_000_000)
    }

    /// IDs that need percent-encoding in a path segment.
    static let awkwardIDs = ["a/b", "ord:998", "two words", "🎉 party", "100%", "a?b#c&d=e", "plus+sign", "ünïcödé", "..", "."]

    @Test("Record IDs with slashes, colons, spaces, emoji and reserved characters are percent-decoded from the path",
          arguments: awkwardIDs)
    func percentDecodedIDs(_ id: String) throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        let linked = try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, id, "o-" + id))
        #expect(linked["from"].string == "person:" + id)
        let encoded = try #require(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let view = try harness.expect(200, "GET", "/v1/records/person/\(encoded)/relationships", as: .read)
        #expect(view["record"].string == "person:" + id)
        #expect(view["relationships"].array.map { $0["to"].string } == ["order:o-" + id])
        let objectSide = try harness.expect(200, "GET", "/v1/records/order/o-\(encoded)/relationships", as: .read)
        #expect(objectSide["relationships"].array.map { $0["from"].string } == ["person:" + id])
        let history = try harness.expect(200, "GET", "/v1/records/person/\(encoded)/history", as: .read)
        #expect(history["entries"].array.count == 1)
        let versions = try harness.expect(
            200, "GET", "/v1/relationships/history?relationshipTypeId=\(placed)&from=\(encoded)&to=o-\(encoded)", as: .read)
        #expect(versions["versions"].array.count == 1)
    }

    @Test("A plus sign is a plus in a path segment and a space in the query")
    func plusSigns() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "a+b", "o 1"))
        let view = try harness.expect(200, "GET", "/v1/records/person/a+b/relationships", as: .read)
        #expect(view["record"].string == "person:a+b")
        #expect(view["relationships"].array.map { $0["to"].string } == ["order:o 1"])
        let spaced = try harness.expect(200, "GET", "/v1/records/person/a%20b/relationships", as: .read)
        #expect(spaced["record"].string == "person:a b")
        #expect(spaced["relationships"].array.isEmpty)
        let versions = try harness.expect(200, "GET", "/v1/relationships/history?relationshipTypeId=\(placed)&from=a%2Bb&to=o+1", as: .read)
        #expect(versions["to"].string == "order:o 1")
        #expect(versions["versions"].array.count == 1)
    }

    @Test("A path segment that is not valid percent-encoded UTF-8 is refused with invalid_field")
    func badPercentEncoding() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        for target in ["/v1/records/person/%ZZ/relationships", "/v1/records/person/%FF/history", "/v1/records/person/%C3/relationships",
                       "/v1/records/person/abc%/relationships", "/v1/events?after=%G1"] {
            let reply = harness.call("GET", target, as: .read)
            #expect(reply.status == 400, "\(target) → \(reply)")
            #expect(reply.code == "invalid_field", "\(target)")
            #expect(reply.contentType == "application/problem+json")
        }
    }

    @Test("An ID longer than 255 bytes in the path is refused with invalid_field")
    func overlongPathID() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let reply = harness.call("GET", "/v1/records/person/\(String(repeating: "x", count: 256))/relationships", as: .read)
        #expect(reply.status == 400)
        #expect(reply.code == "invalid_field")
        try harness.expect(200, "GET", "/v1/records/person/\(String(repeating: "x", count: 255))/relationships", as: .read)
    }

    @Test("The commit's actor is the key's name and its reason is kept")
    func actorIsTheKeyName() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        try harness.expect(201, "POST", "/v1/object-types", #"{"name":"order","reason":"migration 12"}"#, as: .admin)
        let events = try harness.expect(200, "GET", "/v1/events", as: .read)
        #expect(events["events"][0]["actor"].string == "admin")
        #expect(events["events"][0]["reason"].string == "migration 12")
    }
}
