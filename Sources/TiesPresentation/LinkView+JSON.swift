import TiesCore
import TiesStore

extension LinkView {
    public var jsonValue: JSONValue {
        .object([
            "relationshipTypeId": .string(type.id), "kind": .string(type.key.kind.rawValue), "role": .string(type.key.role), "label": .string(label),
            "direction": .string(direction.rawValue), "from": .string(from.description), "to": .string(to.description),
            "attributes": .object(attributes), "linkedSeq": .int(linkedSeq), "linkedAt": .string(linkedAt.description),
            "versionSeq": .int(versionSeq), "versionAt": .string(versionAt.description),
        ])
    }
}
