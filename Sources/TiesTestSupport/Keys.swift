import TiesCore

/// The relationship types the tests keep coming back to.
public enum Keys {
    /// person → order.
    public static let placed = RelationshipTypeKey.personToCo(role: "placed", objectType: "order")
    /// person → account.
    public static let owns = RelationshipTypeKey.personToCo(role: "owns", objectType: "account")
    /// order → line_item.
    public static let contains = RelationshipTypeKey.coToCo(role: "contains", parent: "order", child: "line_item")
}
