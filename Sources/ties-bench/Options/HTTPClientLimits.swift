import TiesTestSupport

/// Bounds of the load phase's client: what it accepts from the server and
/// how long it waits. The server is ours, so anything past these is a bug
/// to report, not a response to read.
enum HTTPClientLimits {
    /// The server's own header section limit (`HTTPLimits.headerSectionBytesMax`).
    static let headerBytesMax = 16 * 1024
    /// A link's answer is ~100 bytes; a problem+json a few hundred.
    static let bodyBytesMax = 1 << 20
    /// Every connect, send and receive gives up after this: a stalled
    /// server ends the run instead of hanging it.
    static let socketTimeoutMs = 10_000
    static let receiveChunkBytes = 64 * 1024

    /// A connection to the server on 127.0.0.1 with these bounds.
    static func connect(port: UInt16) throws(HTTPTestClient.Failure) -> HTTPTestClient {
        try HTTPTestClient(port: port, timeoutMs: socketTimeoutMs,
                           limits: .init(headBytesMax: headerBytesMax, bodyBytesMax: bodyBytesMax, receiveChunkBytes: receiveChunkBytes))
    }
}
