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
