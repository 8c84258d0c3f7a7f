import Foundation
import Synchronization
import TiesCore
import TiesSystem

/// What the server needs from the application: an answer for each request,
/// and who made it (a key name, for the access log).
public struct HandledResponse: Sendable {
    public var response: HTTPResponse
    public var principal: String?

    public init(_ response: HTTPResponse, principal: String? = nil) {
        self.response = response
        self.principal = principal
    }
}
