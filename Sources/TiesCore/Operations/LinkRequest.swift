/// Identifies one link: type, from ID and to ID (external IDs, not records;
/// the record types come from the relationship type).
public struct LinkRequest: Hashable, Sendable {
    public var type: RelationshipTypeReference
    public var fromID: String
    public var toID: String
    public var style: EndpointStyle

    public init(type: RelationshipTypeReference, fromID: String, toID: String, style: EndpointStyle) {
        self.type = type
        self.fromID = fromID
        self.toID = toID
        self.style = style
    }
}
