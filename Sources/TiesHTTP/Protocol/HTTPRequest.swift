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
