import TiesCore
import TiesStore

extension VerifyProblem {
    public var jsonValue: JSONValue {
        .object(["seq": seq.map(JSONValue.int) ?? .null, "offset": offset.map(JSONValue.int) ?? .null, "message": .string(message)])
    }
}
