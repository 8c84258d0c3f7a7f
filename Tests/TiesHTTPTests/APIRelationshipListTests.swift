import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesTestSupport

/// `GET /v1/records/{type}/{id}/relationships` with its filters, labels and
/// pages (TiesHTTP.docc/Endpoints.md), through the in-process API.
@Suite("HTTP relationship lists")
struct APIRelationshipListTests {
    /// The shop, plus `owns/order` (person → order, not bidirectional,
    /// inverse role `owned_by`), and links: ada placed o-1 and o-2, grace
    /// placed o-3; ada and grace own o-1; o-1 contains li-1 and li-2.
    struct Shop {
        let placed: String
        let contains: String
        let owns: String
    }

    static func shop(_ harness: APIHarness) throws -> Shop {
        let (placed, contains) = try harness.defineShop()
        let owns = try #require(try harness.expect(201, "POST", "/v1/relationship-types",
                                                   #"{"kind":"person_to_co","role":"owns","customObjectType":"order","inverseRole":"owned_by"}"#)["relationshipTypeId"].string)
        for (person, order) in [("ada", "o-1"), ("ada", "o-2"), ("grace", "o-3")] {
            try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, person, order))
        }
        for person in ["ada", "grace"] { try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(owns, person, "o-1")) }
        for item in ["li-1", "li-2"] { try harness.expect(201, "POST", "/v1/relationships", Bodies.contains(contains, "o-1", item)) }
        return Shop(placed: placed, contains: contains, owns: owns)
    }

    /// `direction label other` of each listed link, in order.
    static func listed(_ body: JSONDoc) -> [String] {
        body["relationships"].array.map { link in
            let other = link["direction"].string == "forward" ? link["to"] : link["from"]
            return "\(link["direction"].string ?? "?") \(link["label"].string ?? "?") \(other.string ?? "?")"
        }
    }

    @Test("Each direction lists its links, labelled from the record's side; inbound includes types that are not bidirectional")
    func directions() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        _ = try Self.shop(harness)
        let path = "/v1/records/order/o-1/relationships"
        let forward = ["forward contains line_item:li-1", "forward contains line_item:li-2"]
        let inbound = try harness.expect(200, "GET", path + "?direction=inbound", as: .read)
        #expect(Set(Self.listed(inbound)) == ["inverse placed person:ada", "inverse owned_by person:ada", "inverse owned_by person:grace"])
        #expect(inbound["next"].isNull)
        #expect(Self.listed(try harness.expect(200, "GET", path + "?direction=outbound", as: .read)) == forward)
        let both = Self.listed(try harness.expect(200, "GET", path + "?direction=both", as: .read))
        #expect(both == forward + Self.listed(inbound))
        // The default: outbound, and inbound only in bidirectional types (placed).
        #expect(Self.listed(try harness.expect(200, "GET", path, as: .read)) == forward + ["inverse placed person:ada"])
        let ada = try harness.expect(200, "GET", "/v1/records/person/ada/relationships", as: .read)
        #expect(Set(Self.listed(ada)) == ["forward placed order:o-1", "forward placed order:o-2", "forward owns order:o-1"])
        #expect(ada["relationships"].array.allSatisfy { $0["role"].string == $0["label"].string })
    }

    @Test("relationshipType filters by ID or by key, of either kind; unknown types are 404, malformed ones 400")
    func typeFilter() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let shop = try Self.shop(harness)
        let path = "/v1/records/order/o-1/relationships?direction=both&relationshipType="
        let byKey = try harness.expect(200, "GET", path + "owns/order", as: .read)
        #expect(Set(Self.listed(byKey)) == ["inverse owned_by person:ada", "inverse owned_by person:grace"])
        #expect(Self.listed(try harness.expect(200, "GET", path + shop.owns, as: .read)) == Self.listed(byKey))
        let contains = try harness.expect(200, "GET", path + "contains/order/line_item", as: .read)
        #expect(Self.listed(contains) == ["forward contains line_item:li-1", "forward contains line_item:li-2"])
        #expect(contains["relationships"].array.allSatisfy { $0["relationshipTypeId"].string == shop.contains })
        #expect(Self.listed(try harness.expect(200, "GET", path + shop.placed, as: .read)) == ["inverse placed person:ada"])

        #expect(APIProblemTests.problem(harness.call("GET", path + "rt_nothere", as: .read), 404, "unknown_relationship_type")["relationshipTypeId"].string == "rt_nothere")
        #expect(harness.call("GET", path + "bought/order", as: .read).code == "unknown_relationship_type")
        let typo = APIProblemTests.problem(harness.call("GET", path + "owns/ordr", as: .read), 404, "unknown_object_type")
        #expect(typo["suggestions"].array.map(\.string) == ["order"])
        for malformed in ["owns", "a/b/c/d", "", "rt"] {
            #expect(APIProblemTests.problem(harness.call("GET", path + malformed, as: .read), 400, "invalid_field")["field"].string == "relationshipType",
                    "\(malformed)")
        }
    }

    @Test("Walking every page at any limit gives the unpaged list, and the last page's next is null",
          arguments: [RelationshipListCase(direction: nil), RelationshipListCase(direction: "both"), RelationshipListCase(direction: "inbound")])
    func pagesConcatenate(_ listing: RelationshipListCase) throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let shop = try Self.shop(harness)
        for index in 0..<9 { try harness.expect(201, "POST", "/v1/relationships", Bodies.contains(shop.contains, "o-1", "x\(index)")) }
        let path = "/v1/records/order/o-1/relationships?" + (listing.direction.map { "direction=\($0)&" } ?? "")
        let whole = try harness.expect(200, "GET", path + "limit=1000", as: .read)
        #expect(whole["next"].isNull)
        let all = whole["relationships"].array.map(\.description)
        #expect(all.count == (listing.direction == "inbound" ? 3 : listing.direction == "both" ? 14 : 12))
        for limit in [1, 2, 3, 5, all.count, all.count + 1] {
            var links: [String] = []
            var query = path + "limit=\(limit)"
            var pages = 0
            while true {
                let page = try harness.expect(200, "GET", query, as: .read)
                links += page["relationships"].array.map(\.description)
                pages += 1
                guard let next = page["next"].string else {
                    #expect(page["next"].isNull)
                    break
                }
                #expect(page["relationships"].array.count == limit)
                query = path + "limit=\(limit)&after=\(next)"
            }
            #expect(links == all, "limit \(limit)")
            #expect(pages == max(1, (all.count + limit - 1) / limit), "limit \(limit): a full last page already says there is no next")
        }
    }

    @Test("limit takes 1 to 1000; 0, negative, past 1000 or not a number is 400 invalid_field", arguments: [
        ("1", 200), ("1000", 200), ("0", 400), ("-1", 400), ("1001", 400), ("abc", 400), ("", 400), ("1.5", 400), ("99999999999999999999", 400),
    ])
    func limitBounds(_ limit: String, _ status: Int) throws {
        let harness = try APIHarness()
        defer { harness.close() }
        _ = try Self.shop(harness)
        let reply = harness.call("GET", "/v1/records/order/o-1/relationships?limit=\(limit)", as: .read)
        #expect(reply.status == status, "\(reply)")
        if status == 400 { #expect(APIProblemTests.problem(reply, 400, "invalid_field")["field"].string == "limit") }
    }

    @Test("A cursor the ledger did not issue, an unknown query parameter or an unknown direction is 400 invalid_field naming it")
    func strictQuery() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        _ = try Self.shop(harness)
        let path = "/v1/records/order/o-1/relationships?"
        for cursor in ["zzz", "h5", "r1.0.1", "r1.2.1.1", "r1.0.1.0", "r-1.0.1.1", "r\(harness.head + 1).0.1.1", "r1.0.999.1", "r1.0.1.1.1", "r"] {
            #expect(APIProblemTests.problem(harness.call("GET", path + "after=\(cursor)", as: .read), 400, "invalid_field")["field"].string == "after",
                    "\(cursor)")
        }
        for unknown in ["limt=5", "as_of=3", "type=placed/order", "direction=both&extra=1"] {
            let field = String(unknown.split(separator: "&").last!.split(separator: "=")[0])
            #expect(APIProblemTests.problem(harness.call("GET", path + unknown, as: .read), 400, "invalid_field")["field"].string == field, "\(unknown)")
        }
        for direction in ["forward", "INBOUND", "", "inverse"] {
            #expect(APIProblemTests.problem(harness.call("GET", path + "direction=\(direction)", as: .read), 400, "invalid_field")["field"].string == "direction")
        }
        #expect(harness.call("GET", path + "asOf=1&limit=5&after=r1.0.1.1&direction=both&relationshipType=owns/order", as: .read).status == 200)
    }

    @Test("Pages of an asOf listing stay as of its seq while writes land, and so do pages of now")
    func asOfPaging() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let shop = try Self.shop(harness)
        let then = harness.head
        for point in ["asOf=\(then)&", ""] {
            let path = "/v1/records/order/o-1/relationships?direction=both&" + point
            let whole = try harness.expect(200, "GET", path + "limit=1000", as: .read)
            var page = try harness.expect(200, "GET", path + "limit=2", as: .read)
            var links = page["relationships"].array.map(\.description)
            while let next = page["next"].string {
                try harness.expect(201, "POST", "/v1/relationships", Bodies.contains(shop.contains, "o-1", "late-\(harness.head)"))
                page = try harness.expect(200, "GET", path + "limit=2&after=\(next)", as: .read)
                #expect(page["asOfSeq"].int == whole["asOfSeq"].int)
                links += page["relationships"].array.map(\.description)
            }
            #expect(links == whole["relationships"].array.map(\.description))
        }
        let now = try harness.expect(200, "GET", "/v1/records/order/o-1/relationships?direction=outbound", as: .read)
        #expect(now["relationships"].array.count == 2 + 5, "the writes between pages landed")
    }

    @Test("A record's history labels each event's link from the record's side")
    func historyLabels() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        _ = try Self.shop(harness)
        let order = try harness.expect(200, "GET", "/v1/records/order/o-1/history", as: .read)
        #expect(order["entries"].array.map { $0["label"].string } == ["contains", "contains", "owned_by", "owned_by", "placed"])
        let ada = try harness.expect(200, "GET", "/v1/records/person/ada/history", as: .read)
        #expect(ada["entries"].array.map { $0["label"].string } == ["owns", "placed", "placed"])
        let feed = try harness.expect(200, "GET", "/v1/events", as: .read)
        #expect(feed["events"].array.allSatisfy { !$0["label"].exists })
    }
}

/// One listing the page walk is tried on.
struct RelationshipListCase: Sendable, CustomTestStringConvertible {
    var direction: String?
    var testDescription: String { direction ?? "default" }
}
