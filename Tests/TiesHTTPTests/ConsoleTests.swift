import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesTestSupport

/// The web console's files (TiesHTTP.docc/Console.md): served at `/` and
/// under `/console/` without a key, with a strict CSP, ETags and 304s,
/// gzip when asked for, and 404 for what is not there — while the data
/// behind them still needs a key.
@Suite("Web console files")
struct ConsoleTests {
    /// `Sources/TiesHTTP/Embedded/console/`, next to this test's sources.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/TiesHTTP/Embedded/console")

    static func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test("The page is at / and every file of Embedded/console at /console/NAME, byte for byte, with its type")
    func everyFileIsServed() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let names = try Self.fileNames()
        #expect(names.contains("index.html") && names.contains("app.js"))
        #expect(Set(Console.assets.keys) == Set(names))
        for name in names {
            let file = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent(name)))
            let reply = harness.call("GET", "/console/\(name)", as: nil)
            #expect(reply.status == 200, "\(name): \(reply)")
            #expect(reply.body == file, "\(name) is stale in the binary; rebuild")
            #expect(reply.contentType != "application/octet-stream", "\(name) has no content type in ConsoleAsset.contentType(of:)")
        }
        let page = harness.call("GET", "/", as: nil)
        #expect(page.status == 200)
        #expect(page.contentType == "text/html; charset=utf-8")
        let html = try String(contentsOf: Self.directory.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(page.body == Array(html.replacingOccurrences(of: "\"/console/", with: "\"/console/\(Console.version)/").utf8),
                "the page is index.html naming its files under the version")
        #expect(harness.call("GET", "/console/app.js", as: nil).contentType == "text/javascript; charset=utf-8")
        #expect(harness.call("GET", "/console/app.css", as: nil).contentType == "text/css; charset=utf-8")
    }

    @Test("Every answer carries a CSP that allows no inline script and nothing from elsewhere")
    func contentSecurityPolicy() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        for target in ["/", "/console/app.js", "/console/missing.js"] {
            let reply = harness.call("GET", target, as: nil)
            let policy = try #require(reply.headers["content-security-policy"], "\(target): \(reply)")
            let directives = Dictionary(uniqueKeysWithValues: policy.split(separator: ";").map { directive in
                let words = directive.split(separator: " ").map(String.init)
                return (words[0], Array(words.dropFirst()))
            })
            #expect(directives["default-src"] == ["'none'"])
            #expect(directives["script-src"] == ["'self'"], "no 'unsafe-inline', no other origin")
            #expect(directives["connect-src"] == ["'self'"])
            #expect(directives["frame-ancestors"] == ["'none'"])
            #expect(!policy.contains("unsafe"))
            #expect(reply.headers["x-content-type-options"] == "nosniff")
        }
    }

    @Test("The page holds no inline script, no inline style and nothing from another origin")
    func pageHasNoInlineCode() throws {
        let html = try String(contentsOf: Self.directory.appendingPathComponent("index.html"), encoding: .utf8)
        let scripts = html.components(separatedBy: "<script").dropFirst()
        #expect(!scripts.isEmpty)
        for script in scripts {
            #expect(script.hasPrefix(" type=\"module\" src=\"/console/"), "every script is a file of the console: \(script.prefix(60))")
            #expect(script.drop { $0 != ">" }.dropFirst().hasPrefix("</script>"), "a script element holds no code")
        }
        for module in try Self.fileNames() where module.hasSuffix(".js") && !html.contains("<script type=\"module\" src=\"/console/\(module)\"") {
            #expect(html.contains("<link rel=\"modulepreload\" href=\"/console/\(module)\">"), "\(module) is neither a script nor preloaded: the first view waits for it")
        }
        #expect(!html.contains("style=") && !html.contains("<style"), "no inline style")
        #expect(html.range(of: " on[a-z]+=", options: .regularExpression) == nil, "no inline event handler")
        for name in try Self.fileNames() {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
                .replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")  // the SVG namespace, a name, not a place
            #expect(!text.contains("http://") && !text.contains("https://"), "\(name) reaches for another origin")
            #expect(!text.contains("innerHTML") && !text.contains("eval("), "\(name) builds code or markup from strings")
        }
    }

    @Test("An ETag per representation; If-None-Match with it is 304 without a body, with another tag 200")
    func etagsAndNotModified() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let first = harness.call("GET", "/console/app.js", as: nil)
        let etag = try #require(first.headers["etag"])
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""), "a strong tag: \(etag)")
        #expect(first.headers["cache-control"] == "no-cache")
        #expect(first.headers["vary"] == "Accept-Encoding")
        #expect(harness.call("GET", "/console/app.js", as: nil).headers["etag"] == etag, "the same bytes, the same tag")
        #expect(harness.call("GET", "/console/app.css", as: nil).headers["etag"] != etag, "other bytes, another tag")

        for match in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
            let again = harness.call("GET", "/console/app.js", as: nil, headers: [("If-None-Match", match)])
            #expect(again.status == 304, "If-None-Match: \(match) → \(again)")
            #expect(again.body.isEmpty)
            #expect(again.headers["etag"] == etag && again.headers["cache-control"] == "no-cache")
        }
        #expect(harness.call("GET", "/console/app.js", as: nil, headers: [("If-None-Match", "\"other\"")]).status == 200)
        let zipped = harness.call("GET", "/console/app.js", as: nil, headers: [("Accept-Encoding", "gzip")])
        #expect(zipped.headers["etag"] != etag, "the gzipped bytes are another representation")
        #expect(harness.call("GET", "/console/app.js", as: nil, headers: [("If-None-Match", etag), ("Accept-Encoding", "gzip")]).status == 200)
        let zippedTag = try #require(zipped.headers["etag"])
        #expect(harness.call("GET", "/console/app.js", as: nil, headers: [("If-None-Match", zippedTag), ("Accept-Encoding", "gzip")]).status == 304)
    }

    @Test("The page names every file it loads under /console/VERSION/, served byte for byte to be kept; the page itself is asked for each time")
    func versionedFiles() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let page = harness.call("GET", "/", as: nil)
        #expect(page.headers["cache-control"] == "no-cache")
        let named = String(decoding: page.body, as: UTF8.self).components(separatedBy: "\"/console/").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(named.count >= 3, "the page loads its script, style and icon")
        #expect(Console.version.count == 16 && Console.version.allSatisfy(\.isHexDigit))
        for target in named {
            #expect(target.hasPrefix("\(Console.version)/"), "\(target) is not under the version")
            let name = target.dropFirst(Console.version.count + 1)
            let kept = harness.call("GET", "/console/\(target)", as: nil)
            #expect(kept.status == 200, "\(target): \(kept)")
            #expect(kept.body == harness.call("GET", "/console/\(name)", as: nil).body)
            #expect(kept.headers["cache-control"] == "public, max-age=31536000, immutable")
            #expect(kept.headers["content-security-policy"] == Console.contentSecurityPolicy)
            #expect(harness.call("GET", "/console/\(name)", as: nil).headers["cache-control"] == "no-cache", "an unversioned name is asked for each time")
        }
        let other = harness.call("GET", "/console/0123456789abcdef/app.js", as: nil)
        #expect(other.status == 404 && other.code == "not_found", "another version's file is not this binary's")
    }

    @Test("A file changed by one byte changes the version; the same files give the same version")
    func versionFollowsTheFiles() throws {
        var files = Console.assets
        #expect(Console.version(of: files) == Console.version)
        let script = try #require(files["app.js"])
        files["app.js"] = ConsoleAsset(name: "app.js", bytes: script.identity.bytes + [0x0A])
        #expect(Console.version(of: files) != Console.version)
        files["app.js"] = script
        files["other.js"] = script
        #expect(Console.version(of: files) != Console.version, "a file added")
    }

    @Test("gzip is sent exactly when the client accepts it, and decodes to the file", arguments: [
        ("gzip", true), ("gzip, deflate, br", true), ("x-gzip", true), ("br;q=1.0, gzip;q=0.5", true), ("*", true),
        ("GZIP", true), ("", false), ("identity", false), ("br", false), ("gzip;q=0", false), ("gzip;q=0.000, *", false), ("*;q=0", false),
    ])
    func gzipNegotiation(acceptEncoding: String, expectsGzip: Bool) throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let file = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent("app.js")))
        let reply = harness.call("GET", "/console/app.js", as: nil, headers: acceptEncoding.isEmpty ? [] : [("Accept-Encoding", acceptEncoding)])
        #expect(reply.status == 200)
        if expectsGzip {
            #expect(reply.headers["content-encoding"] == "gzip")
            #expect(reply.body.count < file.count)
            #expect(try GzipTests.referenceDecompress(reply.body) == file)
        } else {
            #expect(reply.headers["content-encoding"] == nil)
            #expect(reply.body == file)
        }
    }

    @Test("A file the console does not have is 404 problem+json; other methods are 405", arguments: [
        "/console/missing.js", "/console/", "/console/../openapi.json", "/console/app.js/x",
    ])
    func unknownFiles(target: String) throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let reply = harness.call("GET", target, as: nil)
        #expect(reply.status == 404, "\(reply)")
        #expect(reply.contentType == "application/problem+json")
        #expect(reply.code == "not_found")
        let post = harness.call("POST", "/console/app.js", "{}", as: .admin)
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
    }

    @Test("HEAD is answered like GET, without the body")
    func headRequests() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        let reply = harness.call("HEAD", "/", as: nil)
        #expect(reply.status == 200)
        #expect(reply.headers["etag"] == harness.call("GET", "/", as: nil).headers["etag"])
    }

    @Test("The files need no key, and a wrong key does not matter to them; the data behind them still does")
    func filesArePublicDataIsNot() throws {
        let harness = try APIHarness()
        defer { harness.close() }
        #expect(harness.call("GET", "/", token: nil).status == 200)
        #expect(harness.call("GET", "/console/app.js", token: "tk_wrong").status == 200)
        for target in ["/v1/stats", "/v1/object-types", "/v1/records/person/ada/relationships", "/v1/events?after=0"] {
            let reply = harness.call("GET", target, token: nil)
            #expect(reply.status == 401, "\(target) → \(reply)")
            #expect(harness.call("GET", target, token: "tk_wrong").status == 401)
        }
    }

    @Test("Over a socket: the server answers the page without reading a key and keeps the connection")
    func overTheSocket() throws {
        let harness = try ServerHarness()
        defer { harness.stop(removeDirectory: true) }
        let client = try harness.connect()
        defer { client.close() }
        let page = try client.exchange(HTTPWire.request("GET", "/", token: nil, headers: [("Accept-Encoding", "gzip")]))
        #expect(page.status == 200)
        #expect(page.headers["content-encoding"] == "gzip")
        let script = try client.exchange(HTTPWire.request("GET", "/console/app.js", token: nil))
        #expect(script.status == 200, "a second request on the same connection")
        #expect(!script.closes)
    }
}
