import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesTestSupport

/// The record endpoints and matching over HTTP (TiesHTTP.docc, TiesCore.docc/Records.md).
struct RecordAPITests {
    static let identifiers = #"{"name":"person","identifiers":[{"field":"email","unique":true},{"field":"city"}]}"#

    /// The shop, person identifiers, and people u1 (a@x, Oslo) and u2 (b@x, Oslo).
    static func harness() throws -> (APIHarness, placed: String) {
        let harness = try APIHarness()
        let (placed, _) = try harness.defineShop()
        try harness.expect(200, "POST", "/v1/object-types", identifiers)
        try harness.expect(201, "PUT", "/v1/records/person/u1", #"{"set":{"email":"a@x","city":"Oslo","name":"Ada"}}"#)
        try harness.expect(201, "PUT", "/v1/records/person/u2", #"{"set":{"email":"b@x","city":"Oslo"}}"#)
        return (harness, placed)
    }

    @Test("PUT creates (201) and updates (200) a record; nothing new appends nothing")
    func upsert() throws {
        let (harness, _) = try Self.harness()
        defer { harness.close() }
        let head = harness.head
        let unchanged = try harness.expect(200, "PUT", "/v1/records/person/u1", #"{"set":{"email":"a@x"}}"#)
        #expect(unchanged["created"].bool == false && unchanged["changed"].bool == false && unchanged["seq"].isNull)
        #expect(harness.head == head)
        let changed = try harness.expect(200, "PUT", "/v1/records/person/u1", #"{"op":"upsertRecord","set":{"email":"a2@x"},"unset":["name"],"reason":"moved"}"#)
        #expect(changed["op"].string == "upsertRecord" && changed["record"].string == "person:u1" && changed["seq"].int == head + 1)
        let shown = try harness.expect(200, "GET", "/v1/records/person/u1", as: .read)
        #expect(shown["fields"].description == #"{"city":"Oslo","email":"a2@x"}"#)
        #expect(shown["since"].int == head + 1 && !shown["erased"].exists)
        let before = try harness.expect(200, "GET", "/v1/records/person/u1?asOf=\(head)", as: .read)
        #expect(before["fields"].description == #"{"city":"Oslo","email":"a@x","name":"Ada"}"#)
    }

    @Test("PUT refuses what it cannot take", arguments: [
        (#"{"set":{"email":"b@x"}}"#, 409, "duplicate_identifier"),
        (#"{"set":{"k":[1]}}"#, 400, "invalid_field"),
        (#"{"set":{"k":1},"unset":["k"]}"#, 400, "invalid_field"),
        (#"{"fields":{"k":1}}"#, 400, "invalid_field"),
        (#"{"op":"link","set":{"k":1}}"#, 400, "invalid_field"),
        (#"[1]"#, 400, "invalid_field"),
        (#"{"set":"#, 400, "invalid_json"),
    ])
    func upsertRefusals(body: String, status: Int, code: String) throws {
        let (harness, _) = try Self.harness()
        defer { harness.close() }
        let head = harness.head
        let reply = harness.call("PUT", "/v1/records/person/u1", body)
        #expect(reply.status == status && reply.code == code, "\(reply)")
        #expect(harness.head == head)
        if code == "duplicate_identifier" { #expect(reply.json["holder"].string == "person:u2") }
    }

    @Test("GET refuses unknown records, types, query parameters and as-of points")
    func readRefusals() throws {
        let (harness, _) = try Self.harness()
        defer { harness.close() }
        let cases: [(String, Int, String)] = [
            ("/v1/records/person/nobody", 404, "record_not_found"),
            ("/v1/records/person/u2?asOf=4", 404, "record_not_found"),
            ("/v1/records/persn/u1", 404, "unknown_object_type"),
            ("/v1/records/person/u1?asof=3", 400, "invalid_field"),
            ("/v1/records/person/u1?asOf=yesterday", 400, "invalid_field"),
            ("/v1/records/person?field=name&value=Ada", 400, "invalid_matching_field"),
            ("/v1/records/person?field=email", 400, "invalid_field"),
            ("/v1/records/person?field=email&value=a@x&limit=3", 400, "invalid_field"),
            ("/v1/records/ordr?field=email&value=a@x", 404, "unknown_object_type"),
        ]
        for (target, status, code) in cases {
            let reply = harness.call("GET", target, as: .read)
            #expect(reply.status == status && reply.code == code, "\(target) → \(reply)")
        }
        #expect(harness.call("GET", "/v1/records/persn/u1", as: .read).json["suggestions"].description == #"["person"]"#)
    }

    @Test("Lookup by identifier: values compare as JSON values; more than ten holders say so")
    func find() throws {
        let (harness, _) = try Self.harness()
        defer { harness.close() }
        let found = try harness.expect(200, "GET", "/v1/records/person?field=email&value=a@x", as: .read)
        #expect(found["records"].array.map { $0["record"].string } == ["person:u1"] && found["more"].bool == false)
        try harness.expect(201, "PUT", "/v1/records/person/n1", #"{"set":{"email":7}}"#)
        #expect(try harness.expect(200, "GET", "/v1/records/person?field=email&value=7", as: .read)["records"].array.count == 1)
        #expect(try harness.expect(200, "GET", "/v1/records/person?field=email&value=%227%22", as: .read)["records"].array.isEmpty)
        for index in 1...11 { try harness.expect(201, "PUT", "/v1/records/person/c\(index)", #"{"set":{"city":"Rome"}}"#) }
        let many = try harness.expect(200, "GET", "/v1/records/person?field=city&value=Rome", as: .read)
        #expect(many["records"].array.count == 10 && many["more"].bool == true)
    }

    @Test("A batch can upsert a person and link it by email in one commit; the history says how it was found")
    func matchInsideABatch() throws {
        let (harness, placed) = try Self.harness()
        defer { harness.close() }
        let batch = """
            [{"op":"upsertRecord","objectType":"person","externalId":"u3","set":{"email":"c@x"}},
             {"op":"link","relationshipTypeId":"\(placed)","personMatch":{"field":"email","value":"c@x"},"customObjectExternalId":"o1"}]
            """
        let reply = try harness.expect(200, "POST", "/v1/batch", batch)
        #expect(reply["results"][1]["from"].string == "person:u3", "\(reply)")
        let history = try harness.expect(200, "GET", "/v1/records/person/u3/history", as: .read)
        #expect(history["entries"][0]["event"]["matchedBy"].description == #"{"from":{"field":"email"}}"#, "\(history)")
        #expect(history["entries"][1]["event"]["set"].description == #"{"email":"c@x"}"#, "\(history)")
    }

    @Test("Matching errors over HTTP: each code, with candidates for an ambiguous match")
    func matchingErrors() throws {
        let (harness, placed) = try Self.harness()
        defer { harness.close() }
        func link(_ match: String) -> Reply {
            harness.call("POST", "/v1/relationships", #"{"relationshipTypeId":"\#(placed)","personMatch":\#(match),"customObjectExternalId":"o1"}"#)
        }
        let ambiguous = link(#"{"field":"city","value":"Oslo"}"#)
        #expect(ambiguous.status == 409 && ambiguous.code == "ambiguous_match", "\(ambiguous)")
        #expect(ambiguous.json["candidates"].description == #"["u1","u2"]"#)
        let missing = link(#"{"field":"email","value":"z@x"}"#)
        #expect(missing.status == 404 && missing.code == "target_record_not_found", "\(missing)")
        let wrongField = link(#"{"field":"name","value":"Ada"}"#)
        #expect(wrongField.status == 400 && wrongField.code == "invalid_matching_field", "\(wrongField)")
        let both = harness.call("POST", "/v1/relationships",
                                #"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","personMatch":{"field":"email","value":"a@x"},"customObjectExternalId":"o1"}"#)
        #expect(both.status == 400 && both.code == "invalid_field", "\(both)")
        let notScalar = link(#"{"field":"email","value":["a@x"]}"#)
        #expect(notScalar.status == 400 && notScalar.code == "invalid_field", "\(notScalar)")
        #expect(link(#"{"field":"email","value":"a@x"}"#).status == 201)
    }

    @Test("requireRecords: a link to a record never upserted is target_record_not_found")
    func requireRecords() throws {
        let (harness, placed) = try Self.harness()
        defer { harness.close() }
        try harness.expect(200, "POST", "/v1/object-types", #"{"name":"order","requireRecords":true}"#)
        let refused = harness.call("POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1"))
        #expect(refused.status == 404 && refused.code == "target_record_not_found", "\(refused)")
        try harness.expect(201, "PUT", "/v1/records/order/o1", "{}")
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1"))
    }

    @Test("Erasure: admin only; afterwards every answer shows the values as erased and new fields are refused")
    func erase() throws {
        let (harness, _) = try Self.harness()
        defer { harness.close() }
        #expect(harness.call("POST", "/v1/records/person/u1/erase", as: .append).status == 403)
        let erased = try harness.expect(200, "POST", "/v1/records/person/u1/erase", #"{"reason":"GDPR"}"#, as: .admin)
        #expect(erased["op"].string == "eraseRecord" && erased["changed"].bool == true)
        let again = try harness.expect(200, "POST", "/v1/records/person/u1/erase", as: .admin)
        #expect(again["changed"].bool == false && again["seq"].isNull)
        let shown = try harness.expect(200, "GET", "/v1/records/person/u1?asOf=6", as: .read)
        #expect(shown["erased"].bool == true)
        #expect(shown["fields"].description == #"{"city":{"erased":true},"email":{"erased":true},"name":{"erased":true}}"#)
        let history = try harness.expect(200, "GET", "/v1/records/person/u1/history", as: .read)
        #expect(history["entries"][0]["reason"].string == "GDPR" && history["entries"][0]["event"]["type"].string == "record.erased")
        #expect(history["entries"][1]["event"]["set"]["email"].description == #"{"erased":true}"#)
        let refused = harness.call("PUT", "/v1/records/person/u1", #"{"set":{"email":"new@x"}}"#)
        #expect(refused.status == 409 && refused.code == "record_erased", "\(refused)")
        #expect(harness.call("POST", "/v1/records/person/nobody/erase", as: .admin).code == "record_not_found")
    }
}

@Suite("strict query parameters")
struct StrictQueryTests {
    @Test("Every endpoint that takes a key refuses a query parameter it does not take, before any work")
    func everyEndpointRefusesUnknownParameters() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        _ = try harness.defineShop()
        let head = harness.head
        for (method, path) in API.endpoints where path != "/v1/health" {
            let target = path.replacingOccurrences(of: "{type}", with: "person").replacingOccurrences(of: "{id}", with: "u1") + "?asof=3"
            let reply = harness.call(method, target, method == "GET" ? nil : "{}", as: .admin)
            #expect(reply.status == 400 && reply.code == "invalid_field" && reply.json["field"].string == "asof", "\(method) \(target) → \(reply)")
        }
        #expect(harness.head == head)
        // The parameters an endpoint takes still work.
        try harness.expect(200, "GET", "/v1/events?after=0&limit=5&wait=0", as: .read)
        try harness.expect(200, "GET", "/v1/records/person/u1/history?limit=5", as: .read)
    }
}

@Suite("acting for someone")
struct ActingForTests {
    @Test("A write may name its actor; the key's name is kept as the principal, and history shows both")
    func actorAndPrincipal() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        try harness.expect(201, "POST", "/v1/relationships",
                           #"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1","actor":"support:alice","reason":"ticket 7"}"#)
        try harness.expect(200, "POST", "/v1/batch", #"{"operations":[{"op":"upsertRecord","objectType":"person","externalId":"u1"}],"actor":"import-bot"}"#)
        try harness.expect(201, "PUT", "/v1/records/person/u2", "{}")
        let history = try harness.expect(200, "GET", "/v1/records/person/u1/history", as: .read)
        #expect(history["entries"][1]["actor"].string == "support:alice" && history["entries"][1]["principal"].string == "writer", "\(history)")
        #expect(history["entries"][0]["actor"].string == "import-bot" && history["entries"][0]["principal"].string == "writer", "\(history)")
        let own = try harness.expect(200, "GET", "/v1/records/person/u2/history", as: .read)
        #expect(own["entries"][0]["actor"].string == "writer" && own["entries"][0]["principal"].string == "writer", "\(own)")
        for bad in [#""actor":"""#, #""actor":7"#, #""actor":"a\u0001b""#] {
            let reply = harness.call("PUT", "/v1/records/person/u3", "{\(bad)}")
            #expect(reply.status == 400 && reply.code == "invalid_field", "\(bad) → \(reply)")
        }
    }
}

@Suite("restore over HTTP")
struct RestoreAPITests {
    @Test("POST /v1/relationships/restore links again (201) or sets attributes back (200); a point without the link is 404")
    func restore() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1", attributes: #"{"s":"new"}"#))
        let linked = harness.head
        try harness.expect(200, "DELETE", "/v1/relationships", Bodies.placed(placed, "u1", "o1"))
        let body = #"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1","asOf":\#(linked),"reason":"removed by mistake"}"#
        let again = try harness.expect(201, "POST", "/v1/relationships/restore", body)
        #expect(again["op"].string == "link" && again["created"].bool == true)
        let list = try harness.expect(200, "GET", "/v1/records/person/u1/relationships", as: .read)
        #expect(list["relationships"][0]["attributes"].description == #"{"s":"new"}"#)
        try harness.expect(200, "PATCH", "/v1/relationships",
                           #"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1","set":{"s":"x","t":1}}"#)
        let back = try harness.expect(200, "POST", "/v1/relationships/restore", body)
        #expect(back["op"].string == "setAttributes" && back["changed"].bool == true)
        let same = try harness.expect(200, "POST", "/v1/relationships/restore", body)
        #expect(same["changed"].bool == false && same["seq"].isNull)
        for (bad, status, code) in [
            (#"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1","asOf":1}"#, 404, "relationship_not_found"),
            (#"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1"}"#, 400, "invalid_field"),
            (#"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1","asOf":"yesterday"}"#, 400, "invalid_field"),
            (#"{"relationshipTypeId":"\#(placed)","personMatch":{"field":"email","value":"a"},"customObjectExternalId":"o1","asOf":5}"#, 400, "invalid_field"),
            (#"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1","asOf":5,"extra":1}"#, 400, "invalid_field"),
        ] {
            let reply = harness.call("POST", "/v1/relationships/restore", bad)
            #expect(reply.status == status && reply.code == code, "\(bad) → \(reply)")
        }
    }
}

@Suite("as-of bounds")
struct AsOfBoundsTests {
    @Test("A seq beyond the head is 400 invalid_as_of with the head; a time after the last commit means now")
    func seqBeyondTheHead() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        _ = try harness.defineShop()
        try harness.expect(201, "PUT", "/v1/records/person/u1", "{}")
        let head = harness.head
        for target in ["/v1/records/person/u1/relationships?asOf=\(head + 1)", "/v1/records/person/u1?asOf=\(head + 1)"] {
            let reply = harness.call("GET", target, as: .read)
            #expect(reply.status == 400 && reply.code == "invalid_as_of" && reply.json["headSeq"].int == head, "\(target) → \(reply)")
        }
        try harness.expect(200, "GET", "/v1/records/person/u1/relationships?asOf=\(head)", as: .read)
        let later = try harness.expect(200, "GET", "/v1/records/person/u1/relationships?asOf=2999-01-01T00:00:00Z", as: .read)
        #expect(later["asOfSeq"].int == head)
    }
}

@Suite("audit over HTTP")
struct AuditAPITests {
    @Test("GET /v1/audit filters by actor, type, record, op and time, newest first, with a cursor; bad filters are 400")
    func audit() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1"))
        try harness.expect(200, "DELETE", "/v1/relationships", #"{"relationshipTypeId":"\#(placed)","personExternalId":"u1","customObjectExternalId":"o1","actor":"support:ann","reason":"asked"}"#)
        try harness.expect(201, "PUT", "/v1/records/person/u1", #"{"set":{"a":1}}"#)
        let unlinks = try harness.expect(200, "GET", "/v1/audit?op=unlink&relationshipType=placed/order", as: .read)
        #expect(unlinks["entries"].array.map { $0["seq"].int } == [6] && unlinks["entries"][0]["actor"].string == "support:ann")
        #expect(unlinks["entries"][0]["principal"].string == "writer" && unlinks["next"].isNull)
        let ann = try harness.expect(200, "GET", "/v1/audit?actor=support:ann", as: .read)
        #expect(ann["entries"].array.count == 1)
        let u1 = try harness.expect(200, "GET", "/v1/audit?record=person:u1&limit=2", as: .read)
        #expect(u1["entries"].array.map { $0["seq"].int } == [7, 6] && u1["next"].string != nil)
        let rest = try harness.expect(200, "GET", "/v1/audit?record=person:u1&limit=2&after=\(u1["next"].string ?? "")", as: .read)
        #expect(rest["entries"].array.map { $0["seq"].int } == [5] && rest["next"].isNull)
        let window = try harness.expect(200, "GET", "/v1/audit?since=5&until=6&op=link,unlink", as: .read)
        #expect(window["entries"].array.map { $0["seq"].int } == [6, 5])
        for bad in ["op=delete", "since=yesterday", "record=u1", "relationshipType=nope", "limit=0", "after=zzz", "until=999"] {
            let reply = harness.call("GET", "/v1/audit?\(bad)", as: .read)
            #expect(reply.status == 400, "\(bad) → \(reply)")
        }
        #expect(harness.call("GET", "/v1/audit?relationshipType=owns/order", as: .read).code == "unknown_relationship_type")
    }
}

@Suite("export over HTTP")
struct ExportAPITests {
    @Test("GET /v1/export answers what ties export writes, as JSON Lines or a SQLite file, as of a point")
    func exportFormats() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let (placed, _) = try harness.defineShop()
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "u1", "o1"))
        let head = harness.head
        try harness.expect(200, "DELETE", "/v1/relationships", Bodies.placed(placed, "u1", "o1"))
        let lines = harness.call("GET", "/v1/export?asOf=\(head)", as: .read)
        #expect(lines.status == 200 && lines.headers["content-type"] == "application/x-ndjson", "\(lines)")
        let rows = String(decoding: lines.body, as: UTF8.self).split(separator: "\n").map { JSONDoc(parsing: Array($0.utf8)) }
        #expect(rows.first?["type"].string == "metadata" && rows.first?["asOfSeq"].int == head)
        #expect(rows.filter { $0["type"].string == "relationship" }.count == 1)
        let now = harness.call("GET", "/v1/export", as: .read)
        #expect(String(decoding: now.body, as: UTF8.self).split(separator: "\n").filter { $0.contains(#""type":"relationship""#) }.isEmpty)
        let file = harness.call("GET", "/v1/export?format=sqlite", as: .read)
        #expect(file.status == 200 && file.body.starts(with: Array("SQLite format 3\0".utf8)), "\(file.status)")
        #expect(file.headers["content-disposition"]?.contains("ties-export-\(head + 1).sqlite") == true)
        for bad in ["format=csv", "asOf=\(head + 5)", "asof=3"] {
            #expect(harness.call("GET", "/v1/export?\(bad)", as: .read).status == 400, "\(bad)")
        }
    }

    @Test("A real server streams the export file with its length, and removes it")
    func streamedByTheServer() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let reply = try server.call("GET", "/v1/export", token: server.readKey)
        #expect(reply.status == 200 && reply.headers["content-length"] == String(reply.body.count), "\(reply)")
        #expect(String(decoding: reply.body, as: UTF8.self).hasPrefix(#"{"#))
    }
}
