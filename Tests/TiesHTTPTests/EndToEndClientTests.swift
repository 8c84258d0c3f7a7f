import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesTestExpectations
import TiesTestSupport

/// Real HTTP clients against a server started in-process: `curl` and
/// Python's `http.client`. They frame requests their own way (100-continue,
/// chunked uploads, keep-alive pools), which our own socket client does not.
@Suite("HTTP API with real clients")
struct EndToEndClientTests {
    /// What a finished child process printed.
    struct ToolRun: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
        var description: String { "exit \(status)\(timedOut ? " (timed out)" : "")\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)" }
    }

    /// Runs `/usr/bin/env ARGUMENTS…`, killing it after `seconds`.
    static func run(_ arguments: [String], seconds: Double = 120) throws -> ToolRun {
        let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), arguments)
        let finished = child.wait(seconds: seconds)
        return ToolRun(status: child.status, stdout: child.stdout.text, stderr: child.stderr.text, timedOut: !finished)
    }

    static let curlAvailable: Bool = (try? run(["curl", "--version"], seconds: 60))?.status == 0

    static let pythonAvailable: Bool = (try? run(["python3", "-c", "import http.client, json"], seconds: 60))?.status == 0

    // MARK: curl

    /// One curl call: the body it printed and the status (`-w`).
    struct Curl {
        let base: String
        let directory: String

        func call(_ method: String, _ path: String, key: String?, body: String? = nil, extra: [String] = []) throws -> (status: Int, body: JSONDoc, raw: String) {
            var arguments = ["curl", "-sS", "--max-time", "30", "-X", method, "-w", "\n%{http_code}"]
            if let key { arguments += ["-H", "Authorization: Bearer \(key)"] }
            if let body {
                let file = directory + "/body-\(UUID().uuidString).json"
                try Data(body.utf8).write(to: URL(fileURLWithPath: file))
                arguments += ["-H", "Content-Type: application/json", "--data-binary", "@" + file]
            }
            arguments += extra + [base + path]
            let result = try EndToEndClientTests.run(arguments)
            try #require(result.status == 0, "curl \(method) \(path): \(result)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let status = Int(lines.last ?? "") ?? -1
            let text = lines.dropLast().joined(separator: "\n")
            return (status, JSONDoc(try? JSONParser.parse(text)), result.stdout + result.stderr)
        }
    }

    @Test("curl registers, links, reads history, as-of and events with keys",
          .enabled(if: curlAvailable, "curl is not installed: the curl end-to-end test is skipped"))
    func curlSession() throws {
        let server = try ServerHarness()
        let scratchDirectory = try TemporaryDirectory("ties-curl-")
        defer {
            server.stop(removeDirectory: true)
            scratchDirectory.cleanUp()
        }
        let scratch = scratchDirectory.path
        let curl = Curl(base: "http://127.0.0.1:\(server.port)", directory: scratch)
        let write = server.appendKey
        let read = server.readKey

        let health = try curl.call("GET", "/v1/health", key: nil)
        #expect(health.status == 200)
        #expect(health.body["status"].string == "ok")

        #expect(try curl.call("POST", "/v1/object-types", key: write, body: Bodies.defineOrder).status == 201)
        let registered = try curl.call("POST", "/v1/relationship-types", key: write, body: Bodies.registerPlaced)
        #expect(registered.status == 201)
        let placed = try #require(registered.body["relationshipTypeId"].string)

        let linked = try curl.call("POST", "/v1/relationships", key: write, body: Bodies.placed(placed, "user 1/a", "o1", attributes: #"{"channel":"web"}"#))
        #expect(linked.status == 201, "\(linked.raw)")
        let linkSeq = try #require(linked.body["seq"].int)
        let patched = try curl.call("PATCH", "/v1/relationships", key: write,
                                    body: #"{"relationshipTypeId":"\#(placed)","personExternalId":"user 1/a","customObjectExternalId":"o1","set":{"channel":"app"}}"#)
        #expect(patched.status == 200)

        // curl sends Expect: 100-continue for a body this large, and a chunked upload when told to.
        let big = "[" + (0..<400).map { #"{"op":"link","relationshipTypeId":"\#(placed)","personExternalId":"bulk","customObjectExternalId":"b\#($0)"}"# }
            .joined(separator: ",") + "]"
        let batch = try curl.call("POST", "/v1/batch", key: write, body: big, extra: ["-H", "Expect: 100-continue"])
        #expect(batch.status == 200, "\(batch.raw.prefix(500))")
        #expect(batch.body["results"].array.count == 400)
        let chunked = try curl.call("POST", "/v1/object-types", key: write, body: Bodies.defineLineItem, extra: ["-H", "Transfer-Encoding: chunked"])
        #expect(chunked.status == 201, "\(chunked.raw)")

        let encoded = "user%201%2Fa"
        let history = try curl.call("GET", "/v1/records/person/\(encoded)/history?limit=1", key: read)
        #expect(history.status == 200)
        #expect(history.body["record"].string == "person:user 1/a")
        #expect(history.body["entries"].array.count == 1)
        let cursor = try #require(history.body["next"].string)
        let older = try curl.call("GET", "/v1/records/person/\(encoded)/history?limit=1&after=\(cursor)", key: read)
        #expect(older.body["entries"][0]["seq"].int == linkSeq)

        let asOf = try curl.call("GET", "/v1/records/person/\(encoded)/relationships?asOf=\(linkSeq)", key: read)
        #expect(asOf.body["relationships"][0]["attributes"]["channel"].string == "web")
        let now = try curl.call("GET", "/v1/records/person/\(encoded)/relationships", key: read)
        #expect(now.body["relationships"][0]["attributes"]["channel"].string == "app")

        let events = try curl.call("GET", "/v1/events?after=\(linkSeq - 1)&limit=2", key: read)
        #expect(events.body["events"].array.map { $0["seq"].int } == [linkSeq, linkSeq + 1])

        let refused = try curl.call("POST", "/v1/object-types", key: read, body: #"{"name":"nope"}"#)
        #expect(refused.status == 403)
        #expect(refused.body["code"].string == "forbidden")
        let anonymous = try curl.call("GET", "/v1/object-types", key: nil)
        #expect(anonymous.status == 401)

        // Several URLs in one curl run reuse one connection.
        let reuse = try EndToEndClientTests.run(["curl", "-sS", "-v", "--max-time", "30", "-H", "Authorization: Bearer \(read)",
                                                 curl.base + "/v1/health", curl.base + "/v1/object-types", curl.base + "/v1/events?limit=1"])
        #expect(reuse.status == 0, "\(reuse)")
        #expect(reuse.stderr.contains("Re-using existing connection") || reuse.stderr.contains("Reusing existing connection"), "\(reuse.stderr)")
        // HTTP/1.0 from curl.
        let old = try curl.call("GET", "/v1/health", key: nil, extra: ["--http1.0"])
        #expect(old.status == 200)
    }

    // MARK: Python

    static let pythonScript = #"""
        import http.client, json, os, sys, urllib.parse

        port = int(os.environ["TIES_PORT"])
        write = {"Authorization": "Bearer " + os.environ["TIES_APPEND_KEY"], "Content-Type": "application/json"}
        read = {"Authorization": "Bearer " + os.environ["TIES_READ_KEY"]}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        out = []

        def call(method, path, headers, body=None):
            conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = conn.getresponse()
            data = response.read()
            parsed = json.loads(data) if data else None
            out.append({"method": method, "path": path, "status": response.status,
                        "contentType": response.getheader("Content-Type"),
                        "replayed": response.getheader("Idempotency-Replayed"), "body": parsed})
            return parsed

        call("GET", "/v1/health", {})
        call("POST", "/v1/object-types", write, {"name": "order"})
        call("POST", "/v1/object-types", write, {"name": "line_item"})
        rt = call("POST", "/v1/relationship-types", write,
                  {"kind": "co_to_co", "role": "contains", "parentCustomObjectType": "order",
                   "childCustomObjectType": "line_item", "cardinality": "ONE_TO_MANY"})["relationshipTypeId"]
        link = {"relationshipTypeId": rt, "parentExternalId": "ord:1", "childExternalId": "li 🎉"}
        call("POST", "/v1/relationships", dict(write, **{"Idempotency-Key": "py-1"}), link)
        call("POST", "/v1/relationships", dict(write, **{"Idempotency-Key": "py-1"}), link)
        call("POST", "/v1/relationships", write,
             {"relationshipTypeId": rt, "parentExternalId": "ord:2", "childExternalId": "li 🎉"})
        order = urllib.parse.quote("ord:1", safe="")
        item = urllib.parse.quote("li 🎉", safe="")
        call("GET", "/v1/records/order/%s/relationships" % order, read)
        call("GET", "/v1/records/line_item/%s/history" % item, read)
        call("DELETE", "/v1/relationships", write, link)
        call("GET", "/v1/records/order/%s/relationships?asOf=4" % order, read)
        call("GET", "/v1/records/order/%s/relationships" % order, read)
        call("GET", "/v1/relationships/history?" + urllib.parse.urlencode(
             {"relationshipTypeId": rt, "from": "ord:1", "to": "li 🎉"}), read)
        call("GET", "/v1/events?after=3&limit=10", read)
        call("GET", "/v1/nowhere", read)
        print(json.dumps(out))
        """#

    @Test("Python http.client drives a session on one keep-alive connection",
          .enabled(if: pythonAvailable, "python3 is not installed: the Python end-to-end test is skipped"))
    func pythonSession() throws {
        let server = try ServerHarness()
        let scratchDirectory = try TemporaryDirectory("ties-python-")
        defer {
            server.stop(removeDirectory: true)
            scratchDirectory.cleanUp()
        }
        let scratch = scratchDirectory.path
        let script = scratch + "/client.py"
        try Data(Self.pythonScript.utf8).write(to: URL(fileURLWithPath: script))
        let result = try Self.run(["TIES_PORT=\(server.port)", "TIES_APPEND_KEY=\(server.appendKey)", "TIES_READ_KEY=\(server.readKey)",
                                   "python3", script])
        try #require(result.status == 0, "\(result)")
        let steps = JSONDoc(try JSONParser.parse(result.stdout)).array
        try #require(steps.count == 15, "\(result.stdout)")
        #expect(steps.map { $0["status"].int } == [200, 201, 201, 201, 201, 201, 409, 200, 200, 200, 200, 200, 200, 200, 404])
        #expect(steps[0]["body"]["headSeq"].int == 0)
        #expect(steps[1]["contentType"].string == "application/json")
        #expect(steps[4]["body"]["seq"].int == 4)
        #expect(steps[4]["replayed"].isNull)
        #expect(steps[5]["replayed"].string == "true")
        #expect(steps[5]["body"].value == steps[4]["body"].value)
        // ONE_TO_MANY: the line item already has a parent order, so a second one is refused.
        #expect(steps[6]["body"]["code"].string == "cardinality_violation")
        #expect(steps[6]["body"]["existing"]["from"].string == "order:ord:1")
        let current = steps[7]["body"]
        #expect(current["record"].string == "order:ord:1")
        #expect(current["relationships"][0]["to"].string == "line_item:li 🎉")
        #expect(steps[8]["body"]["record"].string == "line_item:li 🎉")
        #expect(steps[10]["body"]["relationships"].array.count == 1)
        #expect(steps[11]["body"]["relationships"].array.isEmpty)
        #expect(steps[12]["body"]["versions"].array.count == 1)
        #expect(steps[13]["body"]["events"].array.map { $0["seq"].int } == [4, 5])
        #expect(steps[14]["contentType"].string == "application/problem+json")
        #expect(steps[14]["body"]["code"].string == "not_found")
    }
}
