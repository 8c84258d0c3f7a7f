/// What `HTTPRequestParser.next()` found.
public enum HTTPParseEvent: Sendable, Equatable {
    /// The client sent `Expect: 100-continue` and waits for a 100 (Continue)
    /// before sending the body; the server writes it, or a final status.
    case expectContinue
    /// A complete request, body included.
    case request(HTTPRequest)
}
