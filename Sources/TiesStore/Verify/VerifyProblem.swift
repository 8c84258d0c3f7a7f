import TiesCore

/// One thing `ties verify` found wrong, with where.
public struct VerifyProblem: Sendable, Equatable {
    public var seq: Int64?
    public var offset: Int64?
    public var message: String
}
