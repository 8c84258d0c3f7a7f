import TiesCore
import TiesTestSupport

/// The relationship types of the workload: one of each cardinality that
/// matters to the decider, and one bidirectional type so that queries on
/// the `to` side have inverse links to list.
enum WorkloadType: Int, CaseIterable {
    /// person → order, ONE_TO_MANY: an order has one customer.
    case placed
    /// person → household, MANY_TO_MANY, bidirectional.
    case member
    /// order → line_item, co_to_co ONE_TO_MANY: a line item is in one order.
    case contains
    /// person → account, MANY_TO_ONE: a person has at most one account.
    case owns

    static let objectTypes = ["order", "line_item", "account", "household"]

    var key: RelationshipTypeKey {
        switch self {
        case .placed: return .personToCo(role: "placed", objectType: "order")
        case .member: return .personToCo(role: "member", objectType: "household")
        case .contains: return .coToCo(role: "contains", parent: "order", child: "line_item")
        case .owns: return .personToCo(role: "owns", objectType: "account")
        }
    }

    var cardinality: Cardinality {
        switch self {
        case .placed, .contains: return .oneToMany
        case .member: return .manyToMany
        case .owns: return .manyToOne
        }
    }

    var registration: JSONValue {
        Op.json(Op.register(key, cardinality: cardinality, bidirectional: self == .member))
    }

    /// The setup lines: object types, then relationship types. Each appends
    /// exactly one event to a fresh ledger.
    static var setupLines: [JSONValue] {
        objectTypes.map { Op.json(Op.define($0, description: "bench \($0)")) } + allCases.map(\.registration)
    }
}
