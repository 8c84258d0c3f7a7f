import TiesSystem

/// A point on the monotonic clock by which a wait gives up.
public struct Deadline: Sendable {
    public let nanoseconds: UInt64

    /// `milliseconds` from now.
    public init(fromNowMs milliseconds: Int) {
        nanoseconds = Deadline.nowNanoseconds() + UInt64(max(0, milliseconds)) * 1_000_000
    }

    public static func nowNanoseconds() -> UInt64 {
        SystemClock.monotonicNanoseconds()
    }

    /// Milliseconds left, rounded up (so a wait never ends early), 0 once passed.
    public var remainingMs: Int {
        let now = Deadline.nowNanoseconds()
        return now >= nanoseconds ? 0 : Int((nanoseconds - now + 999_999) / 1_000_000)
    }

    public var hasPassed: Bool { Deadline.nowNanoseconds() >= nanoseconds }
}
