import TiesCore

/// One thing `ties verify` found wrong, with where.
public struct VerifyProblem: Sendable, Equatable {
    public var seq: Int64?
    public var offset: Int64?
    public var message: String
    /// An incomplete last line: never acknowledged, cut off on the next
    /// open; not damage to record.
    public var isTornTail = false

    public init(seq: Int64? = nil, offset: Int64? = nil, message: String, isTornTail: Bool = false) {
        (self.seq, self.offset, self.message, self.isTornTail) = (seq, offset, message, isTornTail)
    }
}
