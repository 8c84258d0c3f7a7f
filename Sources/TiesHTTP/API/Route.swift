import TiesCore
import TiesStore

/// One endpoint: method, path template (`{name}` captures a segment), the
/// role it needs (nil: no key needed), and its handler.
struct Route: Sendable {
    let method: String
    let template: String
    let role: KeyRole?
    let handle: @Sendable (API, APIRequest) throws(LedgerError) -> HTTPResponse
    /// The template split once, not on every request.
    let segments: [Substring]

    init(method: String, template: String, role: KeyRole?, handle: @escaping @Sendable (API, APIRequest) throws(LedgerError) -> HTTPResponse) {
        self.method = method
        self.template = template
        self.role = role
        self.handle = handle
        segments = template.split(separator: "/", omittingEmptySubsequences: false)
    }
}
