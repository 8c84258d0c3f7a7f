import TiesCore
import TiesSystem

/// One response as read off the wire.
public struct HTTPTestResponse: Sendable, CustomStringConvertible {
    public var status: Int
    public var body: [UInt8]
    /// `Connection: close`, or an HTTP/1.0 answer without keep-alive: the
    /// server reads no further request on this connection.
    public var closes: Bool
    /// The header lines (without the status line), decoded by `headers`.
    private var headerSection: [UInt8]
    var contentLength = 0

    /// A response made in the test (from an in-process handler, say).
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.body = body
        headerSection = Array(headers.map { "\($0.name): \($0.value)\r\n" }.joined().utf8)
        closes = headers.contains { $0.name.lowercased() == "connection" && $0.value.lowercased().contains("close") }
        contentLength = body.count
    }

    /// Header names lowercased, the first value of each.
    public var headers: [String: String] {
        var headers: [String: String] = [:]
        for line in String(decoding: headerSection, as: UTF8.self).split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            if headers[name] == nil { headers[name] = String(line[line.index(after: colon)...]).trimmingBlanks }
        }
        return headers
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var json: JSONDoc { JSONDoc(try? JSONParser.parse(body)) }
    /// The `code` of a problem+json answer.
    public var code: String? { json["code"].string }
    public var contentType: String? { headers["content-type"] }

    public var description: String { "\(status) \(headers) \(text.prefix(600))" }

    /// Parses a head up to and including its blank line. The server frames
    /// every response with `Content-Length`; anything else is reported.
    static func parseHead(_ bytes: ArraySlice<UInt8>, bodyBytesMax: Int) throws(HTTPTestClient.Failure) -> HTTPTestResponse {
        var lines = HeadLines(bytes)
        guard let statusLine = lines.next(), statusLine.count >= 12, statusLine.starts(with: "HTTP/1.".utf8),
              let status = decimal(statusLine.dropFirst(9).prefix(3)), (100...599).contains(status) else {
            throw HTTPTestClient.Failure("malformed status line", context: String(decoding: bytes.prefix(200), as: UTF8.self))
        }
        let http10 = statusLine.starts(with: "HTTP/1.0".utf8)
        var response = HTTPTestResponse(status: status, body: [], closes: http10,
                                        headerSection: Array(bytes.dropFirst(statusLine.count + 2)))
        var sawLength = false
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw HTTPTestClient.Failure("malformed header line", context: String(decoding: line, as: UTF8.self))
            }
            let name = line[..<colon]
            let value = trimmed(line[(colon + 1)...])
            if named(name, "content-length") {
                guard let length = decimal(value), length <= bodyBytesMax else {
                    throw HTTPTestClient.Failure("Content-Length not a number or over \(bodyBytesMax) bytes")
                }
                response.contentLength = length
                sawLength = true
            } else if named(name, "transfer-encoding") {
                throw HTTPTestClient.Failure("Transfer-Encoding in a response (the server frames with Content-Length)")
            } else if named(name, "connection") {
                let tokens = String(decoding: value, as: UTF8.self).lowercased()
                if tokens.contains("close") { response.closes = true }
                if http10 && tokens.contains("keep-alive") { response.closes = false }
            }
        }
        let bodyless = status < 200 || status == 204 || status == 304
        guard sawLength || bodyless else { throw HTTPTestClient.Failure("response without Content-Length") }
        return response
    }

    private init(status: Int, body: [UInt8], closes: Bool, headerSection: [UInt8]) {
        self.status = status
        self.body = body
        self.closes = closes
        self.headerSection = headerSection
    }

    /// The non-empty lines of a head, without their CR LF.
    private struct HeadLines: IteratorProtocol {
        var rest: ArraySlice<UInt8>
        init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

        mutating func next() -> ArraySlice<UInt8>? {
            while !rest.isEmpty {
                let end = rest.firstIndex(of: 10) ?? rest.endIndex
                var line = rest[..<end]
                rest = end < rest.endIndex ? rest[(end + 1)...] : []
                if line.last == 13 { line = line.dropLast() }
                if !line.isEmpty { return line }
            }
            return nil
        }
    }

    /// 1 to 18 ASCII digits; nil for anything else (no sign, no spaces).
    private static func decimal(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// ASCII case-insensitive comparison with a lowercase `name`.
    private static func named(_ bytes: ArraySlice<UInt8>, _ name: String) -> Bool {
        bytes.count == name.utf8.count && zip(bytes, name.utf8).allSatisfy { ((65...90).contains($0) ? $0 | 0x20 : $0) == $1 }
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let blank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) }) else { return [] }
        return bytes[first...last]
    }
}

extension String {
    fileprivate var trimmingBlanks: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
