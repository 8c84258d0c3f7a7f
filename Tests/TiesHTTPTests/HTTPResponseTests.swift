import Testing
@testable import TiesHTTP

/// Response serialization and the header list both directions use.
struct HTTPResponseTests {
    static func text(_ response: HTTPResponse, keepAlive: Bool = true, headOnly: Bool = false) -> String {
        String(decoding: response.serialized(keepAlive: keepAlive, headOnly: headOnly), as: UTF8.self)
    }

    @Test("A 200 is written with its headers, Content-Length, Connection and body")
    func okResponseIsFramed() {
        let response = HTTPResponse(
            status: 200, headers: ["content-type": "application/json", "x-ties-seq": "42"],
            body: Array("{\"ok\":true}".utf8))
        #expect(Self.text(response) == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Ties-Seq: 42\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n{\"ok\":true}")
    }

    @Test("A response not kept alive says Connection: close")
    func closingResponseSaysClose() {
        #expect(Self.text(HTTPResponse(status: 404), keepAlive: false) == "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    @Test("A response to HEAD carries the body's Content-Length but not the body")
    func headResponseHasNoBody() {
        let response = HTTPResponse(status: 200, body: Array("hello".utf8))
        #expect(Self.text(response, headOnly: true) == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test("A 100 Continue is the status line alone")
    func continueIsTheStatusLineAlone() {
        #expect(Self.text(HTTPResponse(status: 100)) == "HTTP/1.1 100 Continue\r\n\r\n")
    }

    @Test("204 and 304 carry neither Content-Length nor a body")
    func bodilessStatusesHaveNoLength() {
        let noContent = HTTPResponse(status: 204, body: Array("dropped".utf8))
        #expect(Self.text(noContent) == "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n")
        let notModified = HTTPResponse(status: 304, headers: ["etag": "\"v1\""])
        #expect(Self.text(notModified, keepAlive: false) == "HTTP/1.1 304 Not Modified\r\nEtag: \"v1\"\r\nConnection: close\r\n\r\n")
    }

    @Test("Framing fields set by a handler are replaced by the serializer's own")
    func handlerFramingIsReplaced() {
        let response = HTTPResponse(
            status: 200,
            headers: ["Content-Length": "999", "Transfer-Encoding": "chunked", "Connection": "keep-alive"],
            body: [0x61])
        #expect(Self.text(response, keepAlive: false) == "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\na")
    }

    @Test("CR, LF and NUL in a header value become spaces so a value cannot split the response")
    func controlBytesInValuesAreNeutralised() {
        let response = HTTPResponse(status: 201, headers: ["location": "/x\r\nSet-Cookie: a=b\u{0}"])
        #expect(Self.text(response) == "HTTP/1.1 201 Created\r\nLocation: /x  Set-Cookie: a=b \r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test("Every status Ties sends has its RFC 9110 reason phrase")
    func reasonPhrases() {
        let expected: [Int: String] = [
            100: "Continue", 200: "OK", 201: "Created", 204: "No Content", 304: "Not Modified",
            400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict", 411: "Length Required",
            413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
            422: "Unprocessable Content", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
            500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable",
            505: "HTTP Version Not Supported",
        ]
        for (status, phrase) in expected {
            #expect(HTTPResponse.reasonPhrase(for: status) == phrase)
            let text = Self.text(HTTPResponse(status: status))
            #expect(text.hasPrefix("HTTP/1.1 \(status) \(phrase)\r\n"))
        }
    }

    @Test("An unlisted status is written with an empty reason phrase")
    func unlistedStatusHasEmptyPhrase() {
        #expect(Self.text(HTTPResponse(status: 299)).hasPrefix("HTTP/1.1 299 \r\n"))
    }

    @Test("Content-Length is written in decimal for lengths with many digits")
    func contentLengthDigits() {
        for count in [0, 9, 10, 99, 100, 1_000_007] {
            let bytes = HTTPResponse(status: 200, body: Array(repeating: 0x41, count: count))
                .serialized(keepAlive: true, headOnly: true)
            #expect(String(decoding: bytes, as: UTF8.self).contains("Content-Length: \(count)\r\n"))
        }
    }

    @Test("Every parse error's status serializes with a reason phrase")
    func parseErrorStatusesHavePhrases() {
        for error in [HTTPParseError.bareLF, .requestLineTooLong, .tooManyHeaderFields, .bodyTooLarge,
                      .unknownMethod, .unsupportedVersion] {
            #expect(!HTTPResponse.reasonPhrase(for: error.status).isEmpty)
        }
    }

    // MARK: - HTTPHeaders

    @Test("Header lookups ignore case and return the first value, values returns all in order")
    func headerLookups() {
        var headers: HTTPHeaders = ["Set-Cookie": "a=1", "X-Other": "o", "set-cookie": "b=2"]
        #expect(headers["SET-COOKIE"] == "a=1")
        #expect(headers.values("Set-Cookie") == ["a=1", "b=2"])
        #expect(headers.map(\.name) == ["set-cookie", "x-other", "set-cookie"])
        #expect(headers.contains("x-other") && !headers.contains("missing"))
        headers.set(name: "Set-Cookie", value: "c=3")
        #expect(headers.values("set-cookie") == ["c=3"])
        #expect(headers.map(\.name) == ["x-other", "set-cookie"])
        headers.remove(name: "X-OTHER")
        #expect(headers.count == 1 && headers["x-other"] == nil)
    }

    @Test("Headers compare equal only with the same fields in the same order")
    func headerEquality() {
        let a: HTTPHeaders = ["a": "1", "b": "2"]
        #expect(a == HTTPHeaders([("A", "1"), ("B", "2")]))
        #expect(a != ["b": "2", "a": "1"])
    }

    @Test("A request built by hand splits its target like a parsed one")
    func handBuiltRequestSplitsTarget() {
        let request = HTTPRequest(method: "GET", target: "/a?b=1")
        #expect(request.path == "/a" && request.query == "b=1" && request.keepAlive)
        let parsed = Wire.parse("GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\n").requests.first
        #expect(parsed == HTTPRequest(method: "GET", target: "/a?b=1", headers: ["host": "x"]))
    }
}
