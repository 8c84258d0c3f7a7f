import TiesCore
import TiesSystem

/// How far a long replay has come, for progress output.
public struct ReplayProgress: Sendable {
    public var seq: Int64
    public var bytesDone: Int64
    public var bytesTotal: Int64
}
