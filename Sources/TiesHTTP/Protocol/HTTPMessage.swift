// The HTTP message types: what the parser produces and what handlers return.
// Plain values, `Sendable`, so a request can cross from the connection's
// reader to a handler task and a response back.

/// The protocol versions Ties speaks; any other `HTTP/x.y` is refused with 505.
public enum HTTPVersion: Sendable, Hashable {
    case http10
    case http11

    /// The version as it appears on the wire, e.g. `HTTP/1.1`.
    public var text: String {
        switch self {
        case .http10: "HTTP/1.0"
        case .http11: "HTTP/1.1"
        }
    }
}

/// Header fields in arrival order, duplicates kept. Names are stored
/// lowercased (field names are case-insensitive tokens, RFC 9110 §5.1), so a
/// lookup is a plain comparison; values are stored without surrounding
/// whitespace and are never combined, because combining changes the meaning
/// of fields such as Set-Cookie.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    private var fields: [Element] = []

    public init() {}

    /// Fields in the given order; names must be tokens (any case).
    public init(_ fields: [(String, String)]) {
        self.fields.reserveCapacity(fields.count)
        for (name, value) in fields { append(name: name, value: value) }
    }

    /// `["content-type": "application/json"]`: order is kept, duplicates allowed.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// The first value of the field `name` (any case), or nil.
    public subscript(_ name: String) -> String? {
        let key = Self.lowercased(name)
        for field in fields where field.name == key { return field.value }
        return nil
    }

    /// Every value of the field `name` (any case), in arrival order.
    public func values(_ name: String) -> [String] {
        let key = Self.lowercased(name)
        return fields.compactMap { $0.name == key ? $0.value : nil }
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Adds a field after the others. A name that is not a token would let
    /// the response serializer write something other than a header, so it
    /// is a programmer error.
    public mutating func append(name: String, value: String) {
        precondition(HTTPSyntax.isToken(name.utf8), "header name is not an HTTP token")
        fields.append((Self.lowercased(name), value))
    }

    /// Replaces every field `name` with one field holding `value`.
    public mutating func set(name: String, value: String) {
        remove(name: name)
        append(name: name, value: value)
    }

    /// Removes every field `name` (any case).
    public mutating func remove(name: String) {
        let key = Self.lowercased(name)
        fields.removeAll { $0.name == key }
    }

    /// For the parser, which has already checked the name and lowercased it.
    mutating func appendParsed(lowercasedName: String, value: String) {
        fields.append((lowercasedName, value))
    }

    mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    public func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Names are ASCII tokens; skipping the copy when there is nothing to
    /// lower keeps lookups with literal lowercase names allocation-free.
    private static func lowercased(_ name: String) -> String {
        name.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
            ? name.lowercased() : name
    }
}

/// One parsed request. `path` and `query` are raw (still percent-encoded):
/// decoding belongs to the router, which knows which parts are IDs.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    /// The request-target exactly as received (origin-form: `/path?query`).
    public var target: String
    /// The target up to its first `?`.
    public var path: String
    /// The target after its first `?`, or nil when there is no `?`.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// Empty when the request had no Content-Length and was not chunked.
    public var body: [UInt8]

    /// Builds a request the way the parser would, splitting `target` into
    /// path and query; for handler tests and internal dispatch.
    public init(
        method: String,
        target: String,
        version: HTTPVersion = .http11,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        if let mark = target.firstIndex(of: "?") {
            self.path = String(target[..<mark])
            self.query = String(target[target.index(after: mark)...])
        } else {
            self.path = target
            self.query = nil
        }
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The parser's starting point, filled in as the request line arrives.
    static let blank = HTTPRequest(method: "", target: "")

    /// Whether the connection may carry another request after this one
    /// (RFC 9112 §9.3): HTTP/1.1 persists unless the client sent the
    /// `close` option; HTTP/1.0 only when it asked with `keep-alive`.
    /// `close` wins when a confused client sends both.
    public var keepAlive: Bool {
        var close = false
        var keepAliveOption = false
        for value in headers.values("connection") {
            for option in value.utf8.split(separator: UInt8(ascii: ",")) {
                let trimmed = HTTPSyntax.trimmingWhitespace(option)
                if HTTPSyntax.equalsIgnoringCase(trimmed, "close") { close = true }
                if HTTPSyntax.equalsIgnoringCase(trimmed, "keep-alive") { keepAliveOption = true }
            }
        }
        if close { return false }
        return version == .http11 || keepAliveOption
    }
}

/// A response as a handler builds it; `serialized` adds the framing.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The RFC 9110 reason phrase for the statuses Ties sends; empty for
    /// others (the phrase is optional on the wire and clients ignore it).
    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: ""
        }
    }

    /// The response as bytes for the socket. Framing is ours, never the
    /// handler's: any Content-Length, Transfer-Encoding or Connection field
    /// in `headers` is dropped and rewritten from `body` and `keepAlive`, so
    /// a handler cannot send a length that disagrees with its body.
    ///
    /// - `keepAlive`: false writes `Connection: close` (the caller then
    ///   closes); true writes `Connection: keep-alive`, which HTTP/1.0
    ///   clients need to keep the connection and HTTP/1.1 clients ignore.
    /// - `headOnly`: for HEAD, the headers (Content-Length of the body that
    ///   a GET would carry) without the body.
    ///
    /// 1xx, 204 and 304 carry no body and no Content-Length (RFC 9110 §8.6
    /// forbids it on 1xx and 204; on 304 it would have to give the length of
    /// the 200 body, which this response does not hold). 1xx responses are
    /// interim, so they carry no Connection field either.
    public func serialized(keepAlive: Bool, headOnly: Bool = false) -> [UInt8] {
        precondition((100...999).contains(status), "HTTP status must have three digits")
        let interim = status < 200
        let bodiless = interim || status == 204 || status == 304
        var out: [UInt8] = []
        out.reserveCapacity(128 + headers.count * 48 + (bodiless || headOnly ? 0 : body.count))
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(status, to: &out)
        out.append(0x20)
        out.append(contentsOf: Self.reasonPhrase(for: status).utf8)
        out.append(contentsOf: HTTPSyntax.crlf)
        for field in headers where !Self.isFraming(field.name) {
            appendField(field.name, field.value, to: &out)
        }
        if !bodiless {
            out.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(body.count, to: &out)
            out.append(contentsOf: HTTPSyntax.crlf)
        }
        if !interim {
            out.append(contentsOf: (keepAlive ? "Connection: keep-alive" : "Connection: close").utf8)
            out.append(contentsOf: HTTPSyntax.crlf)
        }
        out.append(contentsOf: HTTPSyntax.crlf)
        if !bodiless && !headOnly { out.append(contentsOf: body) }
        return out
    }

    private static func isFraming(_ name: String) -> Bool {
        name == "content-length" || name == "transfer-encoding" || name == "connection"
    }

    /// Writes `Name: value` with the name in the usual capitalisation
    /// (`content-type` → `Content-Type`) for the benefit of naive clients.
    /// Values often echo client input, so CR, LF and other control bytes
    /// become spaces: nothing a client sends can split our response.
    private func appendField(_ name: String, _ value: String, to out: inout [UInt8]) {
        var upperNext = true
        for byte in name.utf8 {
            let isLowerLetter = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
            out.append(upperNext && isLowerLetter ? byte - 0x20 : byte)
            upperNext = byte == UInt8(ascii: "-")
        }
        out.append(contentsOf: ": ".utf8)
        for byte in value.utf8 {
            let isControl = (byte < 0x20 && byte != HTTPSyntax.tab) || byte == 0x7F
            out.append(isControl ? 0x20 : byte)
        }
        out.append(contentsOf: HTTPSyntax.crlf)
    }

    private func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        precondition(value >= 0)
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}
