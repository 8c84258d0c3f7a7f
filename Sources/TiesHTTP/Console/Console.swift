/// The web console (TiesHTTP.docc/Console.md): the files of
/// `Sources/TiesHTTP/Embedded/console/`, compiled into the binary, served
/// at `/` (the page) and under `/console/` (everything it loads). They
/// need no key — they hold no data; the page asks the API for data with
/// the key its user gives it.
///
/// Every answer carries a Content-Security-Policy that allows only this
/// origin's scripts, styles, images and requests and no inline script,
/// an ETag (a repeated `If-None-Match` is 304) with `Cache-Control:
/// no-cache` (the browser keeps the file and asks each time whether it
/// changed, so a new binary's console is seen at once), and, when the
/// client accepts gzip, the gzipped bytes.
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

    private static func file(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            var headers = HTTPHeaders()
            headers.set(name: "allow", value: "GET, HEAD")
            return Problem.response(status: 405, code: "method_not_allowed", detail: "\(request.method) is not allowed here; use GET or HEAD",
                                    headers: headers)
        }
        let name = request.path == "/" ? page : String(request.path.dropFirst(prefix.count))
        guard let asset = assets[name] else {
            return Problem.response(status: 404, code: "not_found", detail: "the console has no file at \(request.path)")
        }
        let gzip = ContentNegotiation.acceptsGzip(request.headers.values("accept-encoding")) ? asset.gzipped : nil
        let chosen = gzip ?? asset.identity
        var headers = HTTPHeaders()
        headers.set(name: "etag", value: chosen.etag)
        headers.set(name: "cache-control", value: "no-cache")
        headers.set(name: "vary", value: "Accept-Encoding")
        if ContentNegotiation.matches(request.headers.values("if-none-match"), etag: chosen.etag) {
            return HTTPResponse(status: 304, headers: headers)
        }
        headers.set(name: "content-type", value: asset.contentType)
        if gzip != nil { headers.set(name: "content-encoding", value: "gzip") }
        return HTTPResponse(status: 200, headers: headers, body: chosen.bytes)
    }
}
