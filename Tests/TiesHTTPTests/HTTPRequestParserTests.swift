import Testing
@testable import TiesHTTP

/// The parser's rules, each as a refused input next to its accepted twin, plus
/// pipelining, splits, chunked bodies, 100-continue and keep-alive.
struct HTTPRequestParserTests {
    // MARK: - Fixtures

    static let get = "GET /links?from=person%3A1&limit=5 HTTP/1.1\r\nHost: ties.local\r\nAccept: application/json\r\n\r\n"
    static let post = "POST /commits HTTP/1.1\r\nHost: ties.local\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"ops\":[1,2]}"
    static let chunkedPost = "PUT /types/order HTTP/1.1\r\nHost: ties.local\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;note=x\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n"

    /// A request with the given head lines after the request line (Host
    /// first unless `host` is false) and an optional raw tail.
    static func request(
        _ requestLine: String = "POST / HTTP/1.1", host: Bool = true, _ fields: [String] = [], tail: String = ""
    ) -> String {
        let lines = [requestLine] + (host ? ["Host: x"] : []) + fields
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + tail
    }

    // MARK: - The shape of a request

    @Test("A GET is split into method, target, raw path and raw query, with lowercased names")
    func getIsSplitIntoItsParts() throws {
        let outcome = Wire.parse(Self.get)
        #expect(outcome.error == nil)
        let request = try #require(outcome.requests.first)
        #expect(request.method == "GET")
        #expect(request.target == "/links?from=person%3A1&limit=5")
        #expect(request.path == "/links")
        #expect(request.query == "from=person%3A1&limit=5")
        #expect(request.version == .http11)
        #expect(request.headers.map(\.name) == ["host", "accept"])
        #expect(request.headers["HOST"] == "ties.local")
        #expect(request.body.isEmpty)
    }

    @Test("A target without a question mark has no query, and a bare question mark an empty one")
    func queryIsNilOnlyWithoutQuestionMark() throws {
        let plain = try #require(Wire.parse(Self.request("GET /a/b HTTP/1.1")).requests.first)
        #expect(plain.path == "/a/b" && plain.query == nil)
        let empty = try #require(Wire.parse(Self.request("GET /a? HTTP/1.1")).requests.first)
        #expect(empty.path == "/a" && empty.query == "")
        let twice = try #require(Wire.parse(Self.request("GET /a?b?c HTTP/1.1")).requests.first)
        #expect(twice.path == "/a" && twice.query == "b?c")
    }

    @Test("A POST with Content-Length carries exactly that many body bytes")
    func contentLengthBodyIsRead() throws {
        let request = try #require(Wire.parse(Self.post).requests.first)
        #expect(request.method == "POST")
        #expect(request.body == Wire.bytes("{\"ops\":[1,2]}"))
        #expect(request.headers["content-length"] == "13")
    }

    @Test("Field values lose surrounding whitespace but keep inner spaces, tabs and duplicates")
    func fieldValuesAreTrimmedAndKept() throws {
        let text = Self.request("GET / HTTP/1.1", ["X-A: \t one\ttwo  three \t", "X-A:", "x-a:  last"])
        let request = try #require(Wire.parse(text).requests.first)
        #expect(request.headers.values("x-a") == ["one\ttwo  three", "", "last"])
        #expect(request.headers["X-A"] == "one\ttwo  three")
    }

    @Test("A UTF-8 field value is kept as text")
    func utf8FieldValueIsKept() throws {
        let request = try #require(Wire.parse(Self.request("GET / HTTP/1.1", ["X-Name: Zoë 🙂"])).requests.first)
        #expect(request.headers["x-name"] == "Zoë 🙂")
    }

    @Test("GET, HEAD and DELETE keep a body that has a Content-Length")
    func bodiesOnGetHeadAndDeleteAreKept() {
        for method in ["GET", "HEAD", "DELETE"] {
            let text = Self.request("\(method) /x HTTP/1.1", ["Content-Length: 3"], tail: "abc")
            #expect(Wire.parse(text).requests.first?.body == Wire.bytes("abc"), "\(method)")
        }
    }

    @Test("A POST, PUT or PATCH with no framing has an empty body and is not refused")
    func unframedPostHasEmptyBody() {
        for method in ["POST", "PUT", "PATCH"] {
            let outcome = Wire.parse(Self.request("\(method) /x HTTP/1.1"))
            #expect(outcome.error == nil)
            #expect(outcome.requests.count == 1 && outcome.requests.first?.body == [], "\(method)")
        }
    }

    @Test("Every implemented method is accepted")
    func implementedMethodsAreAccepted() {
        for method in ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] {
            #expect(Wire.parse(Self.request("\(method) / HTTP/1.1")).requests.first?.method == method)
        }
    }

    @Test("HTTP/1.0 is parsed, and needs no Host")
    func http10NeedsNoHost() throws {
        let request = try #require(Wire.parse(Self.request("GET / HTTP/1.0", host: false)).requests.first)
        #expect(request.version == .http10)
    }

    // MARK: - Every rule: a refused input and its accepted twin

    struct RuleCase: Sendable, CustomTestStringConvertible {
        let rule: String
        let refused: [UInt8]
        let status: Int
        let accepted: [UInt8]

        init(_ rule: String, _ refused: String, _ status: Int, twin accepted: String) {
            self.init(rule, bytes: Array(refused.utf8), status, twin: accepted)
        }

        init(_ rule: String, bytes refused: [UInt8], _ status: Int, twin accepted: String) {
            self.rule = rule
            self.refused = refused
            self.status = status
            self.accepted = Array(accepted.utf8)
        }

        var testDescription: String { rule }
    }

    static let rules: [RuleCase] = [
        RuleCase("a double space in the request line", request("GET  / HTTP/1.1"), 400, twin: request("GET / HTTP/1.1")),
        RuleCase("a trailing space after the version", request("GET / HTTP/1.1 "), 400, twin: request("GET / HTTP/1.1")),
        RuleCase("a tab as the request line separator", request("GET\t/ HTTP/1.1"), 400, twin: request("GET / HTTP/1.1")),
        RuleCase("a request line with two parts", request("GET /"), 400, twin: request("GET / HTTP/1.1")),
        RuleCase("a lowercase version", request("GET / http/1.1"), 400, twin: request("GET / HTTP/1.1")),
        RuleCase("a version with two-digit major", request("GET / HTTP/11.1"), 400, twin: request("GET / HTTP/1.1")),
        RuleCase("HTTP/2.0", request("GET / HTTP/2.0"), 505, twin: request("GET / HTTP/1.1")),
        RuleCase("HTTP/1.2", request("GET / HTTP/1.2"), 505, twin: request("GET / HTTP/1.1")),
        RuleCase("HTTP/0.9", request("GET / HTTP/0.9", host: false), 505, twin: request("GET / HTTP/1.0", host: false)),
        RuleCase("an unknown method", request("PROPFIND / HTTP/1.1"), 501, twin: request("TRACE / HTTP/1.1")),
        RuleCase("a lowercase method", request("get / HTTP/1.1"), 501, twin: request("GET / HTTP/1.1")),
        RuleCase("a method that is not a token", request("GE(T / HTTP/1.1"), 400, twin: request("GET / HTTP/1.1")),
        RuleCase("an asterisk target", request("OPTIONS * HTTP/1.1"), 400, twin: request("OPTIONS / HTTP/1.1")),
        RuleCase("an absolute-form target", request("GET http://x/ HTTP/1.1"), 400, twin: request("GET / HTTP/1.1")),
        RuleCase("a target with a fragment", request("GET /a#b HTTP/1.1"), 400, twin: request("GET /a HTTP/1.1")),
        RuleCase("a target with a broken percent escape", request("GET /a%zz HTTP/1.1"), 400, twin: request("GET /a%4A HTTP/1.1")),
        RuleCase("a target with a truncated percent escape", request("GET /a%4 HTTP/1.1"), 400, twin: request("GET /a%40 HTTP/1.1")),
        RuleCase("a target with a raw non-ASCII byte", request("GET /é HTTP/1.1"), 400, twin: request("GET /%C3%A9 HTTP/1.1")),
        RuleCase("a bare CR in a field value", request("GET / HTTP/1.1", ["X: a\rb"]), 400, twin: request("GET / HTTP/1.1", ["X: ab"])),
        RuleCase("a bare LF ending the request line", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400, twin: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        RuleCase("a bare LF ending a field line", "GET / HTTP/1.1\r\nHost: x\n\r\n", 400, twin: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        RuleCase("a NUL in a field value", request("GET / HTTP/1.1", ["X: a\u{0}b"]), 400, twin: request("GET / HTTP/1.1", ["X: a b"])),
        RuleCase("a DEL in a field value", request("GET / HTTP/1.1", ["X: a\u{7F}b"]), 400, twin: request("GET / HTTP/1.1", ["X: a~b"])),
        RuleCase("a control byte in the target", request("GET /\u{1}a HTTP/1.1"), 400, twin: request("GET /a HTTP/1.1")),
        RuleCase("a tab in a field name", request("GET / HTTP/1.1", ["X\tY: 1"]), 400, twin: request("GET / HTTP/1.1", ["X-Y: \t1"])),
        RuleCase("whitespace before the colon", request("GET / HTTP/1.1", ["X-Y : 1"]), 400, twin: request("GET / HTTP/1.1", ["X-Y: 1"])),
        RuleCase("a field name that is not a token", request("GET / HTTP/1.1", ["X(Y): 1"]), 400, twin: request("GET / HTTP/1.1", ["X~Y: 1"])),
        RuleCase("a field line without a colon", request("GET / HTTP/1.1", ["X-Y 1"]), 400, twin: request("GET / HTTP/1.1", ["X-Y:1"])),
        RuleCase("an empty field name", request("GET / HTTP/1.1", [": 1"]), 400, twin: request("GET / HTTP/1.1", ["Z: 1"])),
        RuleCase("an obs-fold continuation line", request("GET / HTTP/1.1", ["X: a", " b"]), 400, twin: request("GET / HTTP/1.1", ["X: a b"])),
        RuleCase("a tab-started continuation line", request("GET / HTTP/1.1", ["X: a", "\tb"]), 400, twin: request("GET / HTTP/1.1", ["X: a\tb"])),
        RuleCase("a field value that is not UTF-8", bytes: Wire.bytes("GET / HTTP/1.1\r\nHost: x\r\nX: ") + [0xFF] + Wire.bytes("\r\n\r\n"), 400, twin: request("GET / HTTP/1.1", ["X: ÿ"])),
        RuleCase("HTTP/1.1 without Host", request("GET / HTTP/1.1", host: false), 400, twin: request("GET / HTTP/1.1")),
        RuleCase("two Host fields", request("GET / HTTP/1.1", ["Host: x"]), 400, twin: request("GET / HTTP/1.1")),
        RuleCase("two Host fields in HTTP/1.0", request("GET / HTTP/1.0", ["Host: y"]), 400, twin: request("GET / HTTP/1.0")),
        RuleCase("a Host with a slash", request("GET / HTTP/1.1", host: false, ["Host: x/y"]), 400, twin: request("GET / HTTP/1.1", host: false, ["Host: x:8080"])),
        RuleCase("an empty Host is allowed", request("GET / HTTP/1.1", host: false, ["Host: a b"]), 400, twin: request("GET / HTTP/1.1", host: false, ["Host:"])),
        RuleCase("Content-Length with Transfer-Encoding", framed(["Content-Length: 5", "Transfer-Encoding: chunked"], tail: "0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "0\r\n\r\n")),
        RuleCase("a signed Content-Length", framed(["Content-Length: +3"], tail: "abc"), 400, twin: framed(["Content-Length: 3"], tail: "abc")),
        RuleCase("a negative Content-Length", framed(["Content-Length: -1"]), 400, twin: framed(["Content-Length: 0"])),
        RuleCase("a Content-Length with an inner space", framed(["Content-Length: 1 2"]), 400, twin: framed(["Content-Length: 12"], tail: "123456789012")),
        RuleCase("a Content-Length list", framed(["Content-Length: 3,3"], tail: "abc"), 400, twin: framed(["Content-Length:  3 "], tail: "abc")),
        RuleCase("an empty Content-Length", framed(["Content-Length:"]), 400, twin: framed(["Content-Length: 00"])),
        RuleCase("a hexadecimal Content-Length", framed(["Content-Length: 0x3"], tail: "abc"), 400, twin: framed(["Content-Length: 003"], tail: "abc")),
        RuleCase("two equal Content-Length fields", framed(["Content-Length: 3", "Content-Length: 3"], tail: "abc"), 400, twin: framed(["Content-Length: 3"], tail: "abc")),
        RuleCase("a Content-Length that overflows", framed(["Content-Length: 99999999999999999999999"]), 413, twin: framed(["Content-Length: 0"])),
        RuleCase("Transfer-Encoding gzip", framed(["Transfer-Encoding: gzip"], tail: "0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: Chunked"], tail: "0\r\n\r\n")),
        RuleCase("Transfer-Encoding gzip, chunked", framed(["Transfer-Encoding: gzip, chunked"], tail: "0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: CHUNKED"], tail: "0\r\n\r\n")),
        RuleCase("Transfer-Encoding chunked, chunked", framed(["Transfer-Encoding: chunked, chunked"], tail: "0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "0\r\n\r\n")),
        RuleCase("two Transfer-Encoding fields", framed(["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], tail: "0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding:  chunked\t"], tail: "0\r\n\r\n")),
        RuleCase("Transfer-Encoding in HTTP/1.0", request("POST / HTTP/1.0", ["Transfer-Encoding: chunked"], tail: "0\r\n\r\n"), 400, twin: request("POST / HTTP/1.0", ["Content-Length: 0"])),
        RuleCase("a chunk size with a sign", framed(["Transfer-Encoding: chunked"], tail: "+1\r\na\r\n0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "1\r\na\r\n0\r\n\r\n")),
        RuleCase("a chunk size after a space", framed(["Transfer-Encoding: chunked"], tail: " 1\r\na\r\n0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "1 ;ext\r\na\r\n0\r\n\r\n")),
        RuleCase("a chunk size before a space", framed(["Transfer-Encoding: chunked"], tail: "1 \r\na\r\n0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "1\t;ext=\"v\"\r\na\r\n0\r\n\r\n")),
        RuleCase("a chunk size with a 0x prefix", framed(["Transfer-Encoding: chunked"], tail: "0x1\r\na\r\n0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "01\r\na\r\n0\r\n\r\n")),
        RuleCase("an empty chunk size", framed(["Transfer-Encoding: chunked"], tail: "\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "0\r\n\r\n")),
        RuleCase("a chunk size of 17 hex digits", framed(["Transfer-Encoding: chunked"], tail: "00000000000000001\r\na\r\n0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "0000000000000001\r\na\r\n0\r\n\r\n")),
        RuleCase("chunk data without its CRLF", framed(["Transfer-Encoding: chunked"], tail: "1\r\nab\r\n0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "2\r\nab\r\n0\r\n\r\n")),
        RuleCase("chunk data ended by a bare LF", framed(["Transfer-Encoding: chunked"], tail: "1\r\na\n0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "1\r\na\r\n0\r\n\r\n")),
        RuleCase("a bare LF after a chunk size", framed(["Transfer-Encoding: chunked"], tail: "1\na\r\n0\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "1\r\na\r\n0\r\n\r\n")),
        RuleCase("an obs-fold in a trailer", framed(["Transfer-Encoding: chunked"], tail: "0\r\nT: a\r\n b\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "0\r\nT: a b\r\n\r\n")),
        RuleCase("a trailer without a colon", framed(["Transfer-Encoding: chunked"], tail: "0\r\nT a\r\n\r\n"), 400, twin: framed(["Transfer-Encoding: chunked"], tail: "0\r\nT:a\r\n\r\n")),
        RuleCase("two empty lines before the request line", "\r\n\r\n" + request("GET / HTTP/1.1"), 400, twin: "\r\n" + request("GET / HTTP/1.1")),
    ]

    @Test("Each rule refuses its break with the right status and accepts its twin", arguments: rules)
    func ruleRefusesBreakAndAcceptsTwin(_ rule: RuleCase) {
        let refused = Wire.parse(rule.refused)
        #expect(refused.error?.status == rule.status, "\(refused)")
        #expect(refused.requests.isEmpty)
        let accepted = Wire.parse(rule.accepted)
        #expect(accepted.error == nil, "\(accepted)")
        #expect(accepted.requests.count == 1)
    }

    static func framed(_ fields: [String], tail: String = "") -> String {
        request("POST / HTTP/1.1", fields, tail: tail)
    }

    // MARK: - Limits

    /// A request line of exactly `bytes` bytes, CRLF included.
    static func requestLine(bytes: Int) -> String {
        let fixed = "GET / HTTP/1.1\r\n".utf8.count
        return "GET /" + String(repeating: "a", count: bytes - fixed) + " HTTP/1.1"
    }

    @Test("A request line of exactly 8 KiB is accepted and one byte more is 414")
    func requestLineLimitIsExact() {
        #expect(Wire.status(Self.request(Self.requestLine(bytes: HTTPLimits.requestLineBytesMax))) == nil)
        #expect(Wire.status(Self.request(Self.requestLine(bytes: HTTPLimits.requestLineBytesMax + 1))) == 414)
    }

    @Test("A request line is refused with 414 as soon as 8 KiB arrive without CRLF")
    func requestLineLimitDoesNotWaitForCRLF() throws {
        var parser = HTTPRequestParser()
        parser.append(Wire.bytes("GET /" + String(repeating: "a", count: HTTPLimits.requestLineBytesMax - 7)))
        #expect(try parser.next() == nil, "8190 bytes may still end in CRLF")
        parser.append(Wire.bytes("aa"))
        #expect(throws: HTTPParseError.requestLineTooLong) { try parser.next() }
    }

    /// A head whose header section (field lines and the final CRLF) is
    /// exactly `bytes` long: Host plus one padding field.
    static func headerSection(bytes: Int) -> String {
        let overhead = "Host: x\r\n".utf8.count + "P: \r\n".utf8.count + 2
        return request("GET / HTTP/1.1", ["P: " + String(repeating: "p", count: bytes - overhead)])
    }

    @Test("A header section of exactly 16 KiB is accepted and one byte more is 431")
    func headerSectionLimitIsExact() {
        #expect(Wire.status(Self.headerSection(bytes: HTTPLimits.headerSectionBytesMax)) == nil)
        #expect(Wire.status(Self.headerSection(bytes: HTTPLimits.headerSectionBytesMax + 1)) == 431)
    }

    @Test("A header section is refused with 431 before its end arrives")
    func headerSectionLimitDoesNotWaitForTheEnd() {
        let text = "GET / HTTP/1.1\r\nHost: x\r\nP: " + String(repeating: "p", count: HTTPLimits.headerSectionBytesMax)
        #expect(Wire.status(text) == 431)
    }

    @Test("Many small fields hit the byte limit of the header section with 431")
    func manySmallFieldsHitTheByteLimit() {
        let fields = (0..<90).map { "X-\($0): " + String(repeating: "v", count: 200) }
        #expect(Wire.status(Self.request("GET / HTTP/1.1", fields)) == 431)
    }

    @Test("100 header fields are accepted and 101 are 431")
    func fieldCountLimitIsExact() {
        let fields = (1..<HTTPLimits.headerFieldsMax).map { "X-\($0): 1" }
        #expect(Wire.status(Self.request("GET / HTTP/1.1", fields)) == nil)
        #expect(Wire.status(Self.request("GET / HTTP/1.1", fields + ["X-Last: 1"])) == 431)
    }

    @Test("A Content-Length over the limit is 413 before any body byte arrives")
    func contentLengthOverLimitIsRefusedFromTheHead() throws {
        var parser = HTTPRequestParser()
        parser.append(Wire.bytes(Self.framed(["Content-Length: \(HTTPLimits.bodyBytesMax + 1)"], tail: "")))
        #expect(throws: HTTPParseError.bodyTooLarge) { try parser.next() }
    }

    @Test("A Content-Length at the limit waits for its body")
    func contentLengthAtLimitWaits() throws {
        var parser = HTTPRequestParser()
        parser.append(Wire.bytes(Self.framed(["Content-Length: \(HTTPLimits.bodyBytesMax)"], tail: "")))
        #expect(try parser.next() == nil)
        #expect(parser.hasBufferedBytes)
    }

    @Test("A smaller body limit passed to the parser is enforced exactly")
    func customBodyLimitIsExact() {
        #expect(Wire.status(Self.framed(["Content-Length: 10"], tail: "0123456789"), maxBodyBytes: 10) == nil)
        #expect(Wire.status(Self.framed(["Content-Length: 11"], tail: "0123456789a"), maxBodyBytes: 10) == 413)
    }

    @Test("Chunked bodies are 413 as soon as declared chunk sizes pass the limit")
    func chunkedBodyOverLimitIsRefusedEarly() throws {
        #expect(Wire.status(Self.framed(["Transfer-Encoding: chunked"], tail: "5\r\n12345\r\n5\r\n12345\r\n0\r\n\r\n"), maxBodyBytes: 10) == nil)
        var parser = HTTPRequestParser(maxBodyBytes: 10)
        parser.append(Wire.bytes(Self.framed(["Transfer-Encoding: chunked"], tail: "5\r\n12345\r\n6\r\n")))
        #expect(throws: HTTPParseError.bodyTooLarge) { try parser.next() }
    }

    @Test("A chunk size of 16 F digits is 413, not an overflow")
    func hugeChunkSizeIsTooLarge() {
        #expect(Wire.status(Self.framed(["Transfer-Encoding: chunked"], tail: "FFFFFFFFFFFFFFFF\r\n")) == 413)
    }

    @Test("A chunk-size line of exactly 1 KiB is accepted and one byte more is 400")
    func chunkSizeLineLimitIsExact() {
        func body(lineBytes: Int) -> String {
            let ext = String(repeating: "e", count: lineBytes - "1;\r\n".utf8.count)
            return Self.framed(["Transfer-Encoding: chunked"], tail: "1;\(ext)\r\na\r\n0\r\n\r\n")
        }
        #expect(Wire.status(body(lineBytes: HTTPLimits.chunkSizeLineBytesMax)) == nil)
        let over = Wire.parse(body(lineBytes: HTTPLimits.chunkSizeLineBytesMax + 1))
        #expect(over.error == .chunkSizeLineTooLong)
    }

    @Test("100 trailer fields are accepted and 101 are 431")
    func trailerFieldLimitIsExact() {
        let hundred = (0..<HTTPLimits.trailerFieldsMax).map { "T-\($0): 1\r\n" }.joined()
        #expect(Wire.status(Self.framed(["Transfer-Encoding: chunked"], tail: "0\r\n" + hundred + "\r\n")) == nil)
        #expect(Wire.status(Self.framed(["Transfer-Encoding: chunked"], tail: "0\r\n" + hundred + "T: 1\r\n\r\n")) == 431)
    }

    @Test("A trailer section over 16 KiB is 431")
    func trailerSectionLimit() {
        let big = "T: " + String(repeating: "t", count: HTTPLimits.trailerSectionBytesMax)
        #expect(Wire.status(Self.framed(["Transfer-Encoding: chunked"], tail: "0\r\n" + big + "\r\n\r\n")) == 431)
    }

    // MARK: - Pipelining and splits

    static let pipeline = Wire.bytes(get + post + chunkedPost)

    @Test("Three pipelined requests in one buffer come out in order")
    func pipelinedRequestsComeOutInOrder() throws {
        var parser = HTTPRequestParser()
        parser.append(Self.pipeline)
        var methods: [String] = []
        while let event = try parser.next() {
            if case .request(let request) = event { methods.append(request.method) }
        }
        #expect(methods == ["GET", "POST", "PUT"])
        #expect(!parser.hasBufferedBytes)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test("A chunked body is the concatenation of its chunks and trailers are dropped")
    func chunkedBodyIsConcatenated() throws {
        let request = try #require(Wire.parse(Self.chunkedPost).requests.first)
        #expect(request.body == Wire.bytes("hello world"))
        #expect(request.headers["x-checksum"] == nil)
        #expect(request.headers["transfer-encoding"] == "chunked")
    }

    @Test("Splitting the pipeline in two at every offset gives the same requests")
    func everyTwoPieceSplitGivesTheSameRequests() {
        let whole = Wire.parse(Self.pipeline)
        #expect(whole.requests.count == 3 && whole.error == nil)
        for offset in 0...Self.pipeline.count {
            let split = Wire.parse(Self.pipeline, pieces: [offset])
            #expect(split.withoutContinues == whole, "split at \(offset)")
        }
    }

    @Test("Feeding the pipeline one byte at a time gives the same requests")
    func byteByByteGivesTheSameRequests() {
        let whole = Wire.parse(Self.pipeline)
        #expect(Wire.parseByteByByte(Self.pipeline) == whole)
    }

    @Test("Feeding a refused pipeline one byte at a time gives the same requests and error")
    func byteByByteGivesTheSameError() {
        let input = Wire.bytes(Self.get + "GET / HTTP/1.1\r\nHost: x\r\nBad : 1\r\n\r\n" + Self.get)
        let whole = Wire.parse(input)
        #expect(whole.requests.count == 1 && whole.error == .whitespaceBeforeColon)
        #expect(Wire.parseByteByByte(input) == whole)
    }

    @Test("Bytes after a request are kept for the next call")
    func leftoverBytesAreKept() throws {
        var parser = HTTPRequestParser()
        parser.append(Wire.bytes(Self.get + "GET /sec"))
        #expect(try parser.next() != nil)
        #expect(try parser.next() == nil)
        #expect(parser.hasBufferedBytes && parser.bufferedByteCount == 8)
        parser.append(Wire.bytes("ond HTTP/1.1\r\nHost: x\r\n\r\n"))
        guard case .request(let second) = try parser.next() else {
            Issue.record("no second request")
            return
        }
        #expect(second.path == "/second")
    }

    @Test("A thousand pipelined requests in one buffer all come out")
    func longPipelineIsParsed() throws {
        var parser = HTTPRequestParser()
        parser.append(Array(repeating: Wire.bytes(Self.post), count: 1000).flatMap { $0 })
        var count = 0
        while let event = try parser.next() {
            if case .request = event { count += 1 }
        }
        #expect(count == 1000)
    }

    @Test("hasBufferedBytes is true exactly while a request is unfinished")
    func hasBufferedBytesTracksUnfinishedRequests() throws {
        var parser = HTTPRequestParser()
        #expect(!parser.hasBufferedBytes)
        parser.append(Wire.bytes(Self.framed(["Content-Length: 3"], tail: "")))
        #expect(try parser.next() == nil)
        #expect(parser.hasBufferedBytes, "head consumed, body pending")
        parser.append(Wire.bytes("abc"))
        #expect(try parser.next() != nil)
        #expect(!parser.hasBufferedBytes)
    }

    @Test("One empty line before a request line is skipped")
    func oneLeadingEmptyLineIsSkipped() {
        let outcome = Wire.parse(Self.post + "\r\n" + Self.get)
        #expect(outcome.error == nil && outcome.requests.count == 2)
    }

    @Test("After an error the parser keeps throwing it and ignores new bytes")
    func errorsAreFinal() throws {
        var parser = HTTPRequestParser()
        parser.append(Wire.bytes("GET / HTTP/1.1\nHost: x\r\n\r\n"))
        #expect(throws: HTTPParseError.bareLF) { try parser.next() }
        parser.append(Wire.bytes(Self.get))
        #expect(throws: HTTPParseError.bareLF) { try parser.next() }
    }

    @Test("Errors name the rule that was broken")
    func errorsNameTheirRule() {
        #expect(Wire.parse(Self.request("GET / HTTP/1.1", ["X: a", " b"])).error == .obsFold)
        #expect(Wire.parse(Self.request("GET / HTTP/1.1", ["X : a"])).error == .whitespaceBeforeColon)
        #expect(Wire.parse(Self.request("GET / HTTP/1.1", ["X(: a"])).error == .malformedFieldLine)
        #expect(Wire.parse(Self.request("GET / HTTP/1.1", host: false)).error == .missingHost)
        #expect(Wire.parse(Self.request("GET / HTTP/1.1", ["Host: y"])).error == .duplicateHost)
        #expect(Wire.parse(Self.framed(["Content-Length: 1", "Content-Length: 1"])).error == .duplicateContentLength)
        #expect(Wire.parse(Self.framed(["Content-Length: 1", "Transfer-Encoding: chunked"])).error == .lengthWithTransferEncoding)
        #expect(Wire.parse(Self.framed(["Transfer-Encoding: chunked"], tail: "1x\r\n")).error == .malformedChunkSize)
        #expect(Wire.parse(Self.request("GET / HTTP/1.1", ["X: \u{7F}"])).error == .controlByte)
    }

    @Test("A CR at the end of the buffer waits for the next byte")
    func trailingCRWaits() throws {
        var parser = HTTPRequestParser()
        parser.append(Wire.bytes("GET / HTTP/1.1\r"))
        #expect(try parser.next() == nil)
        parser.append(Wire.bytes("X"))
        #expect(throws: HTTPParseError.bareCR) { try parser.next() }
    }

    // MARK: - Chunked edge cases

    struct ChunkedCase: Sendable, CustomTestStringConvertible {
        let name: String
        let chunks: String
        let body: String
        var testDescription: String { name }
    }

    static let chunkedCases: [ChunkedCase] = [
        ChunkedCase(name: "an empty body", chunks: "0\r\n\r\n", body: ""),
        ChunkedCase(name: "uppercase and lowercase hex", chunks: "A\r\n0123456789\r\nb\r\n0123456789a\r\n0\r\n\r\n", body: "01234567890123456789a"),
        ChunkedCase(name: "leading zeros", chunks: "0003\r\nabc\r\n000\r\n\r\n", body: "abc"),
        ChunkedCase(name: "CRLF inside chunk data", chunks: "4\r\n\r\n\r\n\r\n0\r\n\r\n", body: "\r\n\r\n"),
        ChunkedCase(name: "extensions on data and last chunks", chunks: "3;a=b;c\r\nabc\r\n0;last=\"yes\"\r\n\r\n", body: "abc"),
        ChunkedCase(name: "BWS before an extension", chunks: "3 \t;a\r\nabc\r\n0\r\n\r\n", body: "abc"),
        ChunkedCase(name: "trailer fields", chunks: "1\r\nz\r\n0\r\nA: 1\r\nB:2\r\n\r\n", body: "z"),
        ChunkedCase(name: "sixteen hex digits", chunks: "0000000000000002\r\nab\r\n0\r\n\r\n", body: "ab"),
    ]

    @Test("Chunked bodies decode the same whole and byte by byte", arguments: chunkedCases)
    func chunkedEdgeCase(_ testCase: ChunkedCase) throws {
        let input = Wire.bytes(Self.framed(["Transfer-Encoding: chunked"], tail: testCase.chunks) + Self.get)
        let whole = Wire.parse(input)
        #expect(whole.error == nil, "\(whole)")
        #expect(whole.requests.map(\.body) == [Wire.bytes(testCase.body), []])
        #expect(Wire.parseByteByByte(input) == whole)
    }

    @Test("A chunked body without its final CRLF waits instead of finishing")
    func chunkedBodyWaitsForFinalCRLF() throws {
        var parser = HTTPRequestParser()
        parser.append(Wire.bytes(Self.framed(["Transfer-Encoding: chunked"], tail: "1\r\na\r\n0\r\n")))
        #expect(try parser.next() == nil)
        parser.append(Wire.bytes("\r\n"))
        #expect(try parser.next() != nil)
    }

    // MARK: - 100-continue

    @Test("Expect: 100-continue yields one expectContinue before a body that has not arrived")
    func expectContinueComesOnceBeforeTheBody() throws {
        var parser = HTTPRequestParser()
        parser.append(Wire.bytes(Self.framed(["Expect: 100-continue", "Content-Length: 3"], tail: "")))
        #expect(try parser.next() == .expectContinue)
        #expect(try parser.next() == nil)
        parser.append(Wire.bytes("a"))
        #expect(try parser.next() == nil)
        parser.append(Wire.bytes("bc"))
        guard case .request(let request) = try parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(request.body == Wire.bytes("abc"))
    }

    @Test("Expect: 100-continue with the body already there yields the request directly")
    func expectContinueIsSkippedWhenTheBodyIsHere() {
        let outcome = Wire.parse(Self.framed(["Expect: 100-Continue", "Content-Length: 3"], tail: "abc"))
        #expect(outcome.events.count == 1 && outcome.requests.count == 1)
    }

    @Test("Expect: 100-continue over the body limit is 413, not a continue")
    func expectContinueOverLimitIsRefused() {
        let text = Self.framed(["Expect: 100-continue", "Content-Length: 11"], tail: "")
        let outcome = Wire.parse(text, maxBodyBytes: 10)
        #expect(outcome.events.isEmpty && outcome.error == .bodyTooLarge)
    }

    @Test("Expect: 100-continue is ignored from HTTP/1.0 and when there is no body")
    func expectContinueIsIgnoredWithoutABodyOrFromHTTP10() throws {
        var old = HTTPRequestParser()
        old.append(Wire.bytes(Self.request("POST / HTTP/1.0", ["Expect: 100-continue", "Content-Length: 3"], tail: "")))
        #expect(try old.next() == nil)
        let empty = Wire.parse(Self.framed(["Expect: 100-continue", "Content-Length: 0"], tail: ""))
        #expect(empty.events.count == 1 && empty.requests.count == 1)
    }

    @Test("Expect: 100-continue on a chunked body yields expectContinue while chunks are owed")
    func expectContinueWorksForChunkedBodies() throws {
        var parser = HTTPRequestParser()
        parser.append(Wire.bytes(Self.framed(["Expect: 100-continue", "Transfer-Encoding: chunked"], tail: "")))
        #expect(try parser.next() == .expectContinue)
        parser.append(Wire.bytes("2\r\nhi\r\n0\r\n\r\n"))
        #expect(try parser.next() == .request(HTTPRequest(
            method: "POST", target: "/",
            headers: ["host": "x", "expect": "100-continue", "transfer-encoding": "chunked"],
            body: Wire.bytes("hi"))))
    }

    // MARK: - Keep-alive

    struct KeepAliveCase: Sendable, CustomTestStringConvertible {
        let version: String
        let connection: [String]
        let keepAlive: Bool
        var testDescription: String { "\(version) \(connection) → \(keepAlive)" }
    }

    static let keepAliveCases: [KeepAliveCase] = [
        KeepAliveCase(version: "HTTP/1.1", connection: [], keepAlive: true),
        KeepAliveCase(version: "HTTP/1.1", connection: ["close"], keepAlive: false),
        KeepAliveCase(version: "HTTP/1.1", connection: ["Close"], keepAlive: false),
        KeepAliveCase(version: "HTTP/1.1", connection: ["keep-alive"], keepAlive: true),
        KeepAliveCase(version: "HTTP/1.1", connection: ["Upgrade, close"], keepAlive: false),
        KeepAliveCase(version: "HTTP/1.1", connection: ["upgrade", " CLOSE "], keepAlive: false),
        KeepAliveCase(version: "HTTP/1.1", connection: ["closed"], keepAlive: true),
        KeepAliveCase(version: "HTTP/1.0", connection: [], keepAlive: false),
        KeepAliveCase(version: "HTTP/1.0", connection: ["keep-alive"], keepAlive: true),
        KeepAliveCase(version: "HTTP/1.0", connection: ["Keep-Alive"], keepAlive: true),
        KeepAliveCase(version: "HTTP/1.0", connection: ["te ,keep-alive"], keepAlive: true),
        KeepAliveCase(version: "HTTP/1.0", connection: ["keep-alive, close"], keepAlive: false),
        KeepAliveCase(version: "HTTP/1.0", connection: ["close"], keepAlive: false),
    ]

    @Test("keepAlive follows the version and the Connection options", arguments: keepAliveCases)
    func keepAliveRules(_ testCase: KeepAliveCase) throws {
        let fields = testCase.connection.map { "Connection: \($0)" }
        let text = Self.request("GET / \(testCase.version)", fields)
        let request = try #require(Wire.parse(text).requests.first)
        #expect(request.keepAlive == testCase.keepAlive)
    }
}
