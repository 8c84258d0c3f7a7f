import TiesCore
import TiesStore

/// One endpoint: method, path template (`{name}` captures a segment), the
/// role it needs (nil: no key needed), the query parameters it takes (any
/// other is 400 `invalid_field`), and its handler.
struct Route: Sendable {
    let method: String
    let template: String
    let role: KeyRole?
    /// True when the handler charges the key's bucket one token per
    /// operation once it has counted them (a batch); otherwise a request is
    /// charged one token before its handler runs.
    let chargedPerOperation: Bool
    let query: Set<String>
    let handle: @Sendable (API, APIRequest) throws(LedgerError) -> HTTPResponse
    /// The template split once, not on every request.
    let segments: [Substring]

    init(method: String, template: String, role: KeyRole?, chargedPerOperation: Bool = false, query: Set<String> = [],
         handle: @escaping @Sendable (API, APIRequest) throws(LedgerError) -> HTTPResponse) {
        self.method = method
        self.template = template
        self.role = role
        self.chargedPerOperation = chargedPerOperation
        self.query = query
        self.handle = handle
        segments = template.split(separator: "/", omittingEmptySubsequences: false)
    }

    /// GETs (and the HEADs answered by them) read; everything else writes.
    var rateKind: RateLimits.Kind { method == "GET" ? .read : .write }
}
