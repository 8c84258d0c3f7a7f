/// A defined custom object type.
public struct ObjectType: Hashable, Sendable {
    public var name: String
    public var description: String?

    public init(name: String, description: String?) {
        self.name = name
        self.description = description
    }
}

extension ObjectType {
    /// The type as answers and exports write it.
    public var jsonValue: JSONValue {
        .object(["name": .string(name), "description": description.map(JSONValue.string) ?? .null])
    }
}
