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

/// The sizes of the record pools, from the event count: about 20 events
/// per person on average, so the Zipf head has thousands and the tail a few.
struct WorkloadShape: Equatable {
    let events: Int
    let people: Int
    let households: Int
    let accounts: Int

    /// Zipf exponent over people: at 1M events the hottest person has
    /// ~12k events, the 10th ~2.4k, the median a handful.
    static let zipfExponent = 0.7
    /// Caps on current links keep answers bounded while histories grow:
    /// a busy customer has a long past, not thousands of open orders.
    static let ordersPerPersonMax = 16
    static let householdsPerPersonMax = 4
    static let lineItemsPerOrderMax = 8
    /// The "hot" query targets: the top ranks of the Zipf distribution.
    static let hotPeople = 16

    init(events: Int) {
        self.events = events
        people = max(100, events / 20)
        households = max(10, people / 4)
        accounts = max(10, people / 8)
    }
}

/// Record names, shared by the generator and the query sampler.
enum RecordNames {
    static func person(_ n: Int) -> String { "u\(n)" }
    static func order(_ n: Int) -> String { "o\(n)" }
    static func lineItem(_ n: Int) -> String { "i\(n)" }
    static func household(_ n: Int) -> String { "h\(n)" }
    static func account(_ n: Int) -> String { "a\(n)" }
}

/// How many records of each type exist at some point of the workload.
struct RecordUniverse: Equatable {
    var people = 0
    var orders = 0
    var lineItems = 0
    var households = 0
    var accounts = 0
}

/// How many operations of each kind were generated.
struct OperationCounts: Equatable {
    var link = 0
    var setAttributes = 0
    var unlink = 0
    var total: Int { link + setAttributes + unlink }
}
