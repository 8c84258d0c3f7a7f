import Foundation
import Synchronization
import TiesCore
import TiesSystem

/// Where and how to listen. Defaults come from `HTTPLimits`.
public struct HTTPServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port: UInt16 = 8080
    public var connectionsMax = HTTPLimits.connectionsMax
    public var requestsInFlightMax = HTTPLimits.requestsInFlightMax
    public var firstByteTimeoutMs = HTTPLimits.firstByteTimeout.wholeMilliseconds
    /// At the connection cap, a head trickled or an answer left unread for
    /// this long may be closed to make room.
    public var slowClientEvictionMs = HTTPLimits.slowClientEviction.wholeMilliseconds
    /// At the connection cap, a connection just answered is not closed to
    /// make room for this long.
    public var keepAlivePauseMs = HTTPLimits.keepAlivePause.wholeMilliseconds
    public var headerReadTimeoutMs = HTTPLimits.headerReadTimeout.wholeMilliseconds
    public var bodyReadTimeoutMs = HTTPLimits.bodyReadTimeout.wholeMilliseconds
    public var keepAliveIdleTimeoutMs = HTTPLimits.keepAliveIdleTimeout.wholeMilliseconds
    /// How long a request waits for an in-flight slot before a 503.
    public var inFlightWaitMs = HTTPLimits.inFlightWait.wholeMilliseconds

    public init(host: String = "127.0.0.1", port: UInt16 = 8080) {
        self.host = host
        self.port = port
    }
}
