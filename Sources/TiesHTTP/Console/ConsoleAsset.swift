import TiesCore

/// One file of the web console as it is served: its type, its bytes, and
/// those bytes gzipped, each with the strong ETag that names that
/// representation (a client holding one must not be told it holds the other).
struct ConsoleAsset: Sendable {
    let contentType: String
    let identity: Representation
    /// Nil when gzip would not make the file smaller.
    let gzipped: Representation?

    struct Representation: Sendable {
        let bytes: [UInt8]
        let etag: String
    }

    init(name: String, bytes: [UInt8]) {
        contentType = Self.contentType(of: name)
        let tag = String(SHA256.hexDigest(bytes).prefix(Self.etagHexDigits))
        identity = Representation(bytes: bytes, etag: "\"\(tag)\"")
        let compressed = Gzip.compress(bytes)
        gzipped = compressed.count < bytes.count ? Representation(bytes: compressed, etag: "\"\(tag)-gzip\"") : nil
    }

    /// 64 bits of the SHA-256 of the file tell its versions apart.
    static let etagHexDigits = 16

    /// The `Content-Type` of a console file, by its extension; a file of a
    /// type not listed here is served as bytes (a test keeps the list whole).
    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }
}
