import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesTestSupport

/// `GET /v1/diff` (TiesHTTP.docc/Endpoints.md): its shape, filters, bounds and pages, through the in-process API.
@Suite("HTTP diff")
struct APIDiffTests {
    /// The seqs around a small history: ada places o-1 (web) at `linked`,
    /// and o-2; grace places o-3; o-1's status is set; ada's o-2 unlinked;
    /// o-1 contains li-1 at `last`.
    struct History {
        let placed: String
        let contains: String
        let setUp: Int64
        let linked: Int64
        let last: Int64
    }

    static func history(_ harness: APIHarness) throws -> History {
        let (placed, contains) = try harness.defineShop()
        let setUp = try #require(try harness.expect(200, "GET", "/v1/health")["headSeq"].int)
        try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, "ada", "o-1", attributes: #"{"channel":"web"}"#))
        for (person, order) in [("ada", "o-2"), ("grace", "o-3")] { try harness.expect(201, "POST", "/v1/relationships", Bodies.placed(placed, person, order)) }
        let key = #""relationshipTypeId":"\#(placed)","personExternalId":"ada","customObjectExternalId""#
        try harness.expect(200, "PATCH", "/v1/relationships", #"{\#(key):"o-1","set":{"status":"paid"}}"#)
        try harness.expect(200, "DELETE", "/v1/relationships", #"{\#(key):"o-2"}"#)
        try harness.expect(201, "POST", "/v1/relationships", Bodies.contains(contains, "o-1", "li-1"))
        return History(placed: placed, contains: contains, setUp: setUp, linked: setUp + 1, last: setUp + 6)
    }

    /// `from → to` of each link in one of the lists.
    static func links(_ body: JSONDoc, _ list: String) -> [String] {
        body[list].array.map { entry in
            let link = list == "changed" ? entry["link"] : entry
            return "\(link["from"].string ?? "?") → \(link["to"].string ?? "?")"
        }
    }

    @Test("added, removed and changed between two seqs, each a compact link; a link made and ended in between is in none")
    func shape() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let history = try Self.history(harness)
        let diff = try harness.expect(200, "GET", "/v1/diff?from=\(history.linked)&to=\(history.last)", as: .read)
        #expect(diff.keys == ["fromSeq", "toSeq", "added", "removed", "changed", "next"])
        #expect(diff["fromSeq"].int == history.linked && diff["toSeq"].int == history.last)
        #expect(Self.links(diff, "added") == ["person:grace → order:o-3", "order:o-1 → line_item:li-1"])
        #expect(diff["added"][0].keys == ["relationshipTypeId", "from", "to", "attributes"])
        #expect(diff["added"][0]["relationshipTypeId"].string == history.placed)
        #expect(Self.links(diff, "removed").isEmpty)
        #expect(Self.links(diff, "changed") == ["person:ada → order:o-1"])
        #expect(diff["changed"][0]["link"].keys == ["relationshipTypeId", "from", "to"])
        #expect(diff["changed"][0]["before"].value == .object(["channel": .string("web")]))
        #expect(diff["changed"][0]["after"].value == .object(["channel": .string("web"), "status": .string("paid")]))
        #expect(diff["next"].isNull)

        // Backwards in time, the same differences the other way round.
        let back = try harness.expect(200, "GET", "/v1/diff?from=\(history.last)&to=\(history.linked)", as: .read)
        #expect(Self.links(back, "removed") == Self.links(diff, "added") && Self.links(back, "added").isEmpty)
        #expect(back["changed"][0]["before"].value == diff["changed"][0]["after"].value)

        // Times: before the first commit is seq 0; after the last is the head.
        let all = try harness.expect(200, "GET", "/v1/diff?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z", as: .read)
        #expect(all["fromSeq"].int == 0 && all["toSeq"].int == history.last)
        #expect(Self.links(all, "added") == ["person:ada → order:o-1", "person:grace → order:o-3", "order:o-1 → line_item:li-1"])
        #expect(all["added"][0]["attributes"].value == .object(["channel": .string("web"), "status": .string("paid")]))

        let removed = try harness.expect(200, "GET", "/v1/diff?from=\(history.linked + 1)&to=\(history.last - 1)", as: .read)
        #expect(Self.links(removed, "removed") == ["person:ada → order:o-2"])
    }

    @Test("record and relationshipType filter the diff; unknown ones are 404, malformed ones 400")
    func filters() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let history = try Self.history(harness)
        let path = "/v1/diff?from=\(history.setUp)&to=\(history.last)"
        #expect(Self.links(try harness.expect(200, "GET", path + "&record=person:grace", as: .read), "added") == ["person:grace → order:o-3"])
        #expect(Self.links(try harness.expect(200, "GET", path + "&record=line_item:li-1", as: .read), "added") == ["order:o-1 → line_item:li-1"])
        #expect(Self.links(try harness.expect(200, "GET", path + "&relationshipType=contains/order/line_item", as: .read), "added")
                == ["order:o-1 → line_item:li-1"])
        let both = try harness.expect(200, "GET", path + "&record=order:o-1&relationshipType=\(history.placed)", as: .read)
        #expect(Self.links(both, "added") == ["person:ada → order:o-1"])
        #expect(harness.call("GET", path + "&relationshipType=rt_nothere", as: .read).code == "unknown_relationship_type")
        #expect(APIProblemTests.problem(harness.call("GET", path + "&record=ordr:o-1", as: .read), 404, "unknown_object_type")["suggestions"].array.map(\.string) == ["order"])
        for (query, field) in [("&record=o-1", "record"), ("&relationshipType=placed", "relationshipType"), ("&colour=red", "colour")] {
            #expect(APIProblemTests.problem(harness.call("GET", path + query, as: .read), 400, "invalid_field")["field"].string == field, "\(query)")
        }
        for query in ["/v1/diff?from=\(history.last + 1)&to=3", "/v1/diff?from=3&to=\(history.last + 1)"] {
            #expect(harness.call("GET", query, as: .read).code == "invalid_as_of", "\(query)")
        }
        for query in ["/v1/diff?to=3", "/v1/diff?from=3", "/v1/diff?from=yesterday&to=3"] {
            #expect(APIProblemTests.problem(harness.call("GET", query, as: .read), 400, "invalid_field")["field"].string != nil, "\(query)")
        }
    }

    @Test("limit is 1 to 1000 links over the three lists together; next pages through them; a cursor not issued is 400")
    func pages() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let history = try Self.history(harness)
        let path = "/v1/diff?from=\(history.linked)&to=\(history.last)"
        for limit in ["0", "1001", "-1", "x"] {
            #expect(APIProblemTests.problem(harness.call("GET", path + "&limit=\(limit)", as: .read), 400, "invalid_field")["field"].string == "limit")
        }
        #expect(try harness.expect(200, "GET", path + "&limit=1000", as: .read)["next"].isNull)
        let whole = try harness.expect(200, "GET", path, as: .read)
        var walked: [String: [String]] = [:]
        var cursor: String?
        var pages = 0
        repeat {
            let page = try harness.expect(200, "GET", path + "&limit=1" + (cursor.map { "&after=\($0)" } ?? ""), as: .read)
            for list in ["added", "removed", "changed"] { walked[list, default: []] += Self.links(page, list) }
            #expect(["added", "removed", "changed"].map { page[$0].array.count }.reduce(0, +) == 1)
            cursor = page["next"].string
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        for list in ["added", "removed", "changed"] { #expect(walked[list, default: []] == Self.links(whole, list)) }
        for bad in ["zzz", "d1.2.3", "d0.999999.1.1.1", "r1.0.1.1"] {
            #expect(APIProblemTests.problem(harness.call("GET", path + "&after=\(bad)", as: .read), 400, "invalid_field")["field"].string == "after", "\(bad)")
        }
    }
}
