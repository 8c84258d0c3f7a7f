import TiesCore

/// One thing `ties verify` found wrong, with where.
public struct VerifyProblem: Sendable, Equatable {
    public var seq: Int64?
    public var offset: Int64?
    public var message: String

    public var jsonValue: JSONValue {
        .object(["seq": seq.map(JSONValue.int) ?? .null, "offset": offset.map(JSONValue.int) ?? .null, "message": .string(message)])
    }
}
