/// A response as a handler builds it; `serialized` adds the framing.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// A body too large to hold in memory (an export): the server sends the
    /// file's bytes after the head, a chunk at a time, then removes the
    /// temporary directory that holds it.
    public var bodyFile: BodyFile?

    /// A file that is a response's body, its size (the Content-Length), and
    /// the temporary directory it is in, removed once it is sent.
    public struct BodyFile: Sendable, Equatable {
        public let path: String
        public let size: Int
        public let directory: String

        public init(path: String, size: Int, directory: String) {
            self.path = path
            self.size = size
            self.directory = directory
        }
    }

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], bodyFile: BodyFile? = nil) {
        precondition(bodyFile == nil || body.isEmpty, "a response body is in memory or in a file, not both")
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyFile = bodyFile
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
            appendDecimal(bodyFile?.size ?? body.count, to: &out)
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
