import TiesCore

/// The web console (TiesHTTP.docc/Console.md): the files of
/// `Sources/TiesHTTP/Embedded/console/`, compiled into the binary, served
/// at `/` (the page) and under `/console/` (everything it loads). They
/// need no key — they hold no data; the page asks the API for data with
/// the key its user gives it.
///
/// Every answer carries a Content-Security-Policy that allows only this
/// origin's scripts, styles, images and requests and no inline script,
/// an ETag (a repeated `If-None-Match` is 304), and, when the client
/// accepts gzip, the gzipped bytes. The page is `Cache-Control: no-cache`
/// (the browser asks each time whether it changed, so a new binary's
/// console is seen at once) and names its files under
/// `/console/VERSION/`, a version of all of them together: there they are
/// served to be kept (`immutable`), so loading the page asks only for the
/// page, not again for each of its files.
enum Console {
    /// Where the console's files are, below `/`.
    static let prefix = "/console/"
    /// The page served at `/`.
    static let page = "index.html"

    static let contentSecurityPolicy = """
        default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
        base-uri 'none'; form-action 'none'; frame-ancestors 'none'
        """

    /// Every file of `Embedded/console/`, by its name there, each made
    /// ready (hashed, gzipped) on the first request for any of them.
    static let assets: [String: ConsoleAsset] = {
        let directory = "console/"
        var assets: [String: ConsoleAsset] = [:]
        for name in EmbeddedResources.names where name.hasPrefix(directory) {
            guard let bytes = EmbeddedResources.bytes(named: name) else { continue }
            assets[String(name.dropFirst(directory.count))] = ConsoleAsset(name: name, bytes: bytes)
        }
        return assets
    }()

    /// The version of the console's files together: 16 hex digits of the
    /// SHA-256 of every file's name and tag. Another binary's files have
    /// another version, so a kept file is never taken for a changed one.
    static let version = version(of: assets)

    static func version(of files: [String: ConsoleAsset]) -> String {
        let listed = files.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.identity.etag)\n" }.joined()
        return String(SHA256.hexDigest(Array(listed.utf8)).prefix(ConsoleAsset.etagHexDigits))
    }

    /// The page as served at `/`: `index.html` with each `/console/NAME`
    /// it loads named `/console/VERSION/NAME`.
    static let pageAsset: ConsoleAsset = {
        guard let page = assets[page] else { preconditionFailure("the console has no \(Console.page)") }
        let text = String(decoding: page.identity.bytes, as: UTF8.self)
            .replacingOccurrences(of: "\"\(prefix)", with: "\"\(prefix)\(version)/")
        return ConsoleAsset(name: Console.page, bytes: Array(text.utf8))
    }()

    /// `Cache-Control` of a file under `/console/VERSION/`: a year, and
    /// never asked about again while kept.
    static let keptCacheControl = "public, max-age=31536000, immutable"

    /// Whether `path` is the console's: `/` or below `/console/`.
    static func serves(_ path: String) -> Bool {
        path == "/" || path.hasPrefix(prefix)
    }

    /// The answer to a request for a console path; errors too carry the
    /// policy, so no answer on these paths can run a script.
    static func response(_ request: HTTPRequest) -> HTTPResponse {
        var response = file(request)
        response.headers.set(name: "content-security-policy", value: contentSecurityPolicy)
        response.headers.set(name: "x-content-type-options", value: "nosniff")
        response.headers.set(name: "referrer-policy", value: "no-referrer")
        return response
    }

    /// The file at `path` (nil when there is none), and whether it is named
    /// under this version, to be kept. Another version's name is no file.
    private static func file(at path: String) -> (asset: ConsoleAsset?, kept: Bool) {
        if path == "/" { return (pageAsset, false) }
        let name = path.dropFirst(prefix.count)
        if name.hasPrefix(version + "/") { return (assets[String(name.dropFirst(version.count + 1))], true) }
        return (assets[String(name)], false)
    }

    private static func file(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            var headers = HTTPHeaders()
            headers.set(name: "allow", value: "GET, HEAD")
            return Problem.response(status: 405, code: "method_not_allowed", detail: "\(request.method) is not allowed here; use GET or HEAD",
                                    headers: headers)
        }
        let (found, kept) = file(at: request.path)
        guard let asset = found else {
            return Problem.response(status: 404, code: "not_found", detail: "the console has no file at \(request.path)")
        }
        let gzip = ContentNegotiation.acceptsGzip(request.headers.values("accept-encoding")) ? asset.gzipped : nil
        let chosen = gzip ?? asset.identity
        var headers = HTTPHeaders()
        headers.set(name: "etag", value: chosen.etag)
        headers.set(name: "cache-control", value: kept ? keptCacheControl : "no-cache")
        headers.set(name: "vary", value: "Accept-Encoding")
        if ContentNegotiation.matches(request.headers.values("if-none-match"), etag: chosen.etag) {
            return HTTPResponse(status: 304, headers: headers)
        }
        headers.set(name: "content-type", value: asset.contentType)
        if gzip != nil { headers.set(name: "content-encoding", value: "gzip") }
        return HTTPResponse(status: 200, headers: headers, body: chosen.bytes)
    }
}
