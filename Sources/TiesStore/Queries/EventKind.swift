import TiesCore

/// What kind of event a projection row holds, as the number audit
/// searches go by (stable: stored in the projection).
enum EventKind: Int64, CaseIterable {
    case objectTypeDefined = 1
    case relationshipTypeRegistered = 2
    case relationshipTypeUpdated = 3
    case linked = 4
    case unlinked = 5
    case attributesChanged = 6
    case recordUpserted = 7
    case recordErased = 8

    init(_ event: Event) {
        switch event {
        case .objectTypeDefined: self = .objectTypeDefined
        case .relationshipTypeRegistered: self = .relationshipTypeRegistered
        case .relationshipTypeUpdated: self = .relationshipTypeUpdated
        case .linked: self = .linked
        case .unlinked: self = .unlinked
        case .attributesChanged: self = .attributesChanged
        case .recordUpserted: self = .recordUpserted
        case .recordErased: self = .recordErased
        }
    }

    /// The relationship type a link or type event is about.
    static func typeID(of event: Event) -> String? {
        switch event {
        case .relationshipTypeRegistered(let type): return type.id
        case .relationshipTypeUpdated(let id, _): return id
        case .linked(let key, _, _), .unlinked(let key, _), .attributesChanged(let key, _, _, _): return key.typeId
        case .objectTypeDefined, .recordUpserted, .recordErased: return nil
        }
    }
}
