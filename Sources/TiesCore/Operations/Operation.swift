/// One thing a user asks the ledger to do (TiesCore.docc/Operations.md): an import line, a CLI
/// write, an HTTP request or one item of a batch. The decider turns
/// operations into events, or rejects them.
public enum Operation: Hashable, Sendable {
    case defineObjectType(ObjectType)
    case registerRelationshipType(Registration)
    case link(LinkRequest, attributes: Attributes)
    case setAttributes(LinkRequest, set: Attributes, unset: [String])
    case unlink(LinkRequest)

    /// The `op` names.
    public static let names = ["defineObjectType", "registerRelationshipType", "link", "setAttributes", "unlink"]
}
