import Testing
@testable import TiesHTTP

/// A corpus of malformed requests, each with the status it must be refused
/// with, whole and byte by byte. Smuggling classics (CL.TE, TE.CL, TE.TE
/// obfuscations, bare LF, obs-fold) are here on purpose.
struct HTTPMalformedCorpusTests {
    struct Malformed: Sendable, CustomTestStringConvertible {
        let bytes: [UInt8]
        let status: Int

        init(_ text: String, _ status: Int) {
            self.bytes = Array(text.utf8)
            self.status = status
        }

        init(bytes: [UInt8], _ status: Int) {
            self.bytes = bytes
            self.status = status
        }

        var testDescription: String { "\(status): " + Wire.printable(bytes) }
    }

    static let h = "Host: x\r\n"
    static let te = "Transfer-Encoding: chunked\r\n"

    /// `POST / HTTP/1.1` with Host, the given fields, the blank line, then `tail`.
    static func post(_ fields: String, _ tail: String = "") -> String {
        "POST / HTTP/1.1\r\n" + h + fields + "\r\n" + tail
    }

    static let corpus: [Malformed] = requestLines + fieldLines + framing + chunked + limits + controls

    static let requestLines: [Malformed] = [
        Malformed("GET\r\n\r\n", 400),
        Malformed("GET /\r\n\r\n", 400),
        Malformed("GET / \r\n\r\n", 400),
        Malformed(" GET / HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP/1.1 extra\r\n\(h)\r\n", 400),
        Malformed("GET /  HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP/1.1\t\r\n\(h)\r\n", 400),
        Malformed("/ HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("G@T / HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET[] / HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("\"GET\" / HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP/1\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP/1.\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP/.1\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP/1.1.1\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP 1.1\r\n\(h)\r\n", 400),
        Malformed("GET / HTTPS/1.1\r\n\(h)\r\n", 400),
        Malformed("GET / Http/1.1\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP/a.b\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP/3\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP/2.0\r\n\(h)\r\n", 505),
        Malformed("GET / HTTP/3.0\r\n\(h)\r\n", 505),
        Malformed("GET / HTTP/1.9\r\n\(h)\r\n", 505),
        Malformed("GET / HTTP/0.9\r\n\r\n", 505),
        Malformed("GET / HTTP/9.9\r\n\(h)\r\n", 505),
        Malformed("CONNECT / HTTP/1.1\r\n\(h)\r\n", 501),
        Malformed("PROPFIND / HTTP/1.1\r\n\(h)\r\n", 501),
        Malformed("Get / HTTP/1.1\r\n\(h)\r\n", 501),
        Malformed("POSTX / HTTP/1.1\r\n\(h)\r\n", 501),
        Malformed("GET * HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("OPTIONS * HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET http://x/ HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("CONNECT x:443 HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET a HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET ?a=1 HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /a#frag HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /a\\b HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /a\"b HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /<script> HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /a{b} HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /a|b HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /a^b HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /a`b HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /% HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /%G0 HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /?q=%2 HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET /ü HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("\r\n\r\nGET / HTTP/1.1\r\n\(h)\r\n", 400),
    ]

    static let fieldLines: [Malformed] = [
        Malformed("GET / HTTP/1.1\r\n Host: x\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\tHost: x\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X: a\r\n b\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)Content-Length : 0\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X Y: 1\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X/Y: 1\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X@Y: 1\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)[X]: 1\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)Ä: 1\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h):\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h): x\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)NoColon\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X=1\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\nhost: a\r\nHOST: b\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)\(h)\r\n", 400),
        Malformed("GET / HTTP/1.0\r\n\(h)\(h)\r\n", 400),
        Malformed("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\nHost: a%2\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\nHost: a?b\r\n\r\n", 400),
    ]

    static let framing: [Malformed] = [
        Malformed(post("Content-Length: 3\r\n\(te)", "0\r\n\r\n"), 400),
        Malformed(post("\(te)Content-Length: 3\r\n", "0\r\n\r\n"), 400),
        Malformed(post("Content-Length: 0\r\nTransfer-Encoding: identity\r\n"), 400),
        Malformed(post("Content-Length: 3\r\nContent-Length: 3\r\n", "abc"), 400),
        Malformed(post("Content-Length: 3\r\nContent-Length: 4\r\n", "abcd"), 400),
        Malformed(post("Content-Length: 3, 3\r\n", "abc"), 400),
        Malformed(post("Content-Length: +3\r\n", "abc"), 400),
        Malformed(post("Content-Length: -3\r\n"), 400),
        Malformed(post("Content-Length: 3 3\r\n"), 400),
        Malformed(post("Content-Length: 3a\r\n", "abc"), 400),
        Malformed(post("Content-Length: 0x10\r\n"), 400),
        Malformed(post("Content-Length: 1e3\r\n"), 400),
        Malformed(post("Content-Length: 3.0\r\n"), 400),
        Malformed(post("Content-Length:\r\n"), 400),
        Malformed(post("Content-Length: \"3\"\r\n"), 400),
        Malformed(post("Content-Length: ３\r\n"), 400),
        Malformed(post("Content-Length: 99999999999999999999\r\n"), 413),
        Malformed(post("Content-Length: 9223372036854775808\r\n"), 413),
        Malformed(post("Content-Length: 16842753\r\n"), 413),
        Malformed(post("Transfer-Encoding: gzip\r\n"), 400),
        Malformed(post("Transfer-Encoding: identity\r\n"), 400),
        Malformed(post("Transfer-Encoding: chunked, gzip\r\n"), 400),
        Malformed(post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), 400),
        Malformed(post("Transfer-Encoding: chunked,\r\n", "0\r\n\r\n"), 400),
        Malformed(post("Transfer-Encoding: \"chunked\"\r\n", "0\r\n\r\n"), 400),
        Malformed(post("Transfer-Encoding: chunkedx\r\n", "0\r\n\r\n"), 400),
        Malformed(post("Transfer-Encoding: xchunked\r\n", "0\r\n\r\n"), 400),
        Malformed(post("Transfer-Encoding: chunk\r\n", "0\r\n\r\n"), 400),
        Malformed(post("Transfer-Encoding:\r\n"), 400),
        Malformed(post("\(te)\(te)", "0\r\n\r\n"), 400),
        Malformed(post("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n", "0\r\n\r\n"), 400),
        Malformed("POST / HTTP/1.0\r\n\(te)\r\n0\r\n\r\n", 400),
        Malformed("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n0\r\n\r\n", 400),
        Malformed(post("Transfer-Encoding : chunked\r\n", "0\r\n\r\n"), 400),
        Malformed(post("Transfer-Encoding: chunked\r\n Content-Length: 1\r\n", "0\r\n\r\n"), 400),
    ]

    static let chunked: [Malformed] = [
        Malformed(post(te, "\r\n"), 400),
        Malformed(post(te, "x\r\n"), 400),
        Malformed(post(te, "-1\r\n"), 400),
        Malformed(post(te, "+1\r\na\r\n0\r\n\r\n"), 400),
        Malformed(post(te, " 1\r\na\r\n0\r\n\r\n"), 400),
        Malformed(post(te, "1 \r\na\r\n0\r\n\r\n"), 400),
        Malformed(post(te, "1\t\r\na\r\n0\r\n\r\n"), 400),
        Malformed(post(te, "0x1\r\na\r\n0\r\n\r\n"), 400),
        Malformed(post(te, "1 1\r\na\r\n0\r\n\r\n"), 400),
        Malformed(post(te, "1g\r\na\r\n0\r\n\r\n"), 400),
        Malformed(post(te, "12345678901234567\r\n"), 400),
        Malformed(post(te, "1\na\r\n0\r\n\r\n"), 400),
        Malformed(post(te, "1\r\na\n0\r\n\r\n"), 400),
        Malformed(post(te, "1\r\naX0\r\n\r\n"), 400),
        Malformed(post(te, "1\r\na\rX0\r\n\r\n"), 400),
        Malformed(post(te, "1\r\nabc\r\n0\r\n\r\n"), 400),
        Malformed(post(te, "1;\u{0}\r\na\r\n0\r\n\r\n"), 400),
        Malformed(post(te, "1;a\rb\r\na\r\n0\r\n\r\n"), 400),
        Malformed(post(te, "1;" + String(repeating: "e", count: 1100) + "\r\n"), 400),
        Malformed(post(te, "0\r\nT: 1\n\r\n"), 400),
        Malformed(post(te, "0\r\n T: 1\r\n\r\n"), 400),
        Malformed(post(te, "0\r\nT : 1\r\n\r\n"), 400),
        Malformed(post(te, "0\r\nBad Name: 1\r\n\r\n"), 400),
        Malformed(post(te, "0\n\r\n"), 400),
        Malformed(post(te, "0\r\n\n"), 400),
        Malformed(post(te, "FFFFFFFFFFFFFFFF\r\n"), 413),
        Malformed(post(te, "1010001\r\n"), 413),
    ]

    static let limits: [Malformed] = [
        Malformed("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\n\(h)\r\n", 414),
        Malformed("GET /" + String(repeating: "a", count: 8200), 414),
        Malformed(String(repeating: "A", count: 8193), 414),
        Malformed("GET / HTTP/1.1\r\n\(h)X: " + String(repeating: "v", count: 17000) + "\r\n\r\n", 431),
        Malformed("GET / HTTP/1.1\r\n\(h)" + String(repeating: "X: 1\r\n", count: 100) + "\r\n", 431),
        Malformed("GET / HTTP/1.1\r\n\(h)" + String(repeating: "X: 1\r\n", count: 3000), 431),
        Malformed(post(te, "0\r\n" + String(repeating: "T: 1\r\n", count: 101) + "\r\n"), 431),
        Malformed(post(te, "0\r\nT: " + String(repeating: "t", count: 17000)), 431),
    ]

    static let controls: [Malformed] = [
        Malformed("GET / HTTP/1.1\n\(h)\r\n", 400),
        Malformed("GET / HTTP/1.1\r\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP/1.1\r\nHost: x\n\n", 400),
        Malformed("GET / HTTP/1.1\r\nHost: x\r\n\n", 400),
        Malformed("GET / HTTP/1.1\r\nHost: x\r\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X: a\rb\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X: a\nb\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X: a\u{0}b\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X: \u{1B}[31m\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X: a\u{7F}\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X: \u{0B}\r\n\r\n", 400),
        Malformed("GET / HTTP/1.1\r\n\(h)X: \u{0C}\r\n\r\n", 400),
        Malformed("GET /\u{0}/ HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET\u{0} / HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("\u{0}GET / HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("GET / HTTP/1.1\u{0}\r\n\(h)\r\n", 400),
        Malformed("\nGET / HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed("\rGET / HTTP/1.1\r\n\(h)\r\n", 400),
        Malformed(bytes: Array("GET / HTTP/1.1\r\n\(h)X: ".utf8) + [0xC3, 0x28] + Array("\r\n\r\n".utf8), 400),
        Malformed(bytes: Array("GET / HTTP/1.1\r\n\(h)X: ".utf8) + [0xED, 0xA0, 0x80] + Array("\r\n\r\n".utf8), 400),
        Malformed(bytes: Array("GET / HTTP/1.1\r\n\(h)X: ".utf8) + [0x80] + Array("\r\n\r\n".utf8), 400),
        Malformed(bytes: Array("GET /".utf8) + [0xFF] + Array(" HTTP/1.1\r\n\(h)\r\n".utf8), 400),
    ]

    @Test("The corpus holds at least a hundred malformed requests")
    func corpusIsLarge() {
        #expect(Self.corpus.count >= 100)
    }

    @Test("Each malformed request is refused with its status, whole and byte by byte", arguments: corpus)
    func malformedRequestIsRefused(_ malformed: Malformed) {
        let whole = Wire.parse(malformed.bytes)
        #expect(whole.requests.isEmpty, "\(whole)")
        #expect(whole.error?.status == malformed.status, "\(whole)")
        #expect(Wire.parseByteByByte(malformed.bytes).withoutContinues == whole)
    }
}
