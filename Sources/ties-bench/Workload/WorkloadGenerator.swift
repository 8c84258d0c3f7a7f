import TiesCore
import TiesTestSupport

/// Produces operation lines that are always valid and always append exactly
/// one event: it keeps its own model of the current links, so it never
/// breaks a cardinality, never unlinks what is not linked, and every
/// attribute change carries a fresh `rev` so it is never a no-op. That makes
/// "N operations" and "N events" the same number, which the import checks.
struct WorkloadGenerator {
    /// A generated operation: its JSON line and the person it concerns
    /// (nil for line items, which hang off orders).
    struct Line {
        var json: [UInt8]
        var person: Int?
    }

    private enum Action {
        case link(Attributes)
        case setAttributes(Attributes, unset: [String])
        case unlink
    }

    let shape: WorkloadShape
    private var random: SplitMix64
    private let peopleByActivity: ZipfSampler
    private let typeIDs: [String]
    // The model: current links per record, by pool index.
    private var ordersByPerson: [[Int32]]
    private var householdsByPerson: [[Int32]]
    private var accountByPerson: [Int32]
    private var lineItemsByOrder: [[Int32]] = []
    private var orderHasChannel: [Bool] = []
    private var lineItemsIssued = 0
    private var revision: Int64 = 0
    private(set) var counts = OperationCounts()
    /// Events that name each person, to report how hot the head is.
    private(set) var eventsByPerson: [Int32]

    /// `typeIDs` in `WorkloadType` order, as the ledger assigned them.
    init(shape: WorkloadShape, seed: UInt64, typeIDs: [String]) {
        precondition(typeIDs.count == WorkloadType.allCases.count, "one ID per workload type")
        self.shape = shape
        self.typeIDs = typeIDs
        random = SplitMix64(seed: seed)
        peopleByActivity = ZipfSampler(count: shape.people, exponent: WorkloadShape.zipfExponent)
        ordersByPerson = Array(repeating: [], count: shape.people)
        householdsByPerson = Array(repeating: [], count: shape.people)
        accountByPerson = Array(repeating: -1, count: shape.people)
        eventsByPerson = Array(repeating: 0, count: shape.people)
    }

    var universe: RecordUniverse {
        RecordUniverse(people: shape.people, orders: lineItemsByOrder.count, lineItems: lineItemsIssued,
                       households: shape.households, accounts: shape.accounts)
    }

    /// The mix: 40% orders, 25% line items, 20% households, 15% accounts,
    /// each a link, an attribute change or an unlink as the model allows.
    mutating func next() -> Line {
        let person = peopleByActivity.sample(&random)
        let roll = random.unit()
        let line: Line
        if roll < 0.40 || (roll < 0.65 && ordersByPerson[person].isEmpty) {
            line = placed(person)
        } else if roll < 0.65 {
            line = contains(person)
        } else if roll < 0.85 {
            line = member(person)
        } else {
            line = owns(person)
        }
        if let person = line.person { eventsByPerson[person] += 1 }
        return line
    }

    private mutating func placed(_ person: Int) -> Line {
        let orders = ordersByPerson[person]
        let roll = random.unit()
        if orders.isEmpty || (orders.count < WorkloadShape.ordersPerPersonMax && roll < 0.45) {
            let order = lineItemsByOrder.count
            lineItemsByOrder.append([])
            orderHasChannel.append(true)
            ordersByPerson[person].append(Int32(order))
            let attributes: Attributes = ["channel": .string(pick(["web", "store", "app", "phone"])), "total": .int(Int64(1 + random.below(500)))]
            return emit(.placed, RecordNames.person(person), RecordNames.order(order), .link(attributes), person: person)
        }
        let slot = random.below(orders.count)
        let order = Int(orders[slot])
        if roll < 0.85 {
            var unset: [String] = []
            if orderHasChannel[order] && random.below(5) == 0 {
                orderHasChannel[order] = false
                unset = ["channel"]
            }
            let set = ["status": JSONValue.string(pick(["paid", "shipped", "delivered", "returned"])), "rev": .int(nextRevision())]
            return emit(.placed, RecordNames.person(person), RecordNames.order(order), .setAttributes(set, unset: unset), person: person)
        }
        ordersByPerson[person].swapAt(slot, orders.count - 1)
        ordersByPerson[person].removeLast()
        return emit(.placed, RecordNames.person(person), RecordNames.order(order), .unlink, person: person)
    }

    /// Line items of one of the person's current orders (the caller makes
    /// sure there is one).
    private mutating func contains(_ person: Int) -> Line {
        let orders = ordersByPerson[person]
        let order = Int(orders[random.below(orders.count)])
        let items = lineItemsByOrder[order]
        let roll = random.unit()
        if items.isEmpty || (items.count < WorkloadShape.lineItemsPerOrderMax && roll < 0.50) {
            let item = lineItemsIssued
            lineItemsIssued += 1
            lineItemsByOrder[order].append(Int32(item))
            let attributes: Attributes = ["sku": .string("sku\(random.below(10_000))"), "qty": .int(Int64(1 + random.below(9)))]
            return emit(.contains, RecordNames.order(order), RecordNames.lineItem(item), .link(attributes), person: nil)
        }
        let slot = random.below(items.count)
        let item = Int(items[slot])
        if roll < 0.85 {
            let set: Attributes = ["qty": .int(Int64(1 + random.below(9))), "rev": .int(nextRevision())]
            return emit(.contains, RecordNames.order(order), RecordNames.lineItem(item), .setAttributes(set, unset: []), person: nil)
        }
        lineItemsByOrder[order].swapAt(slot, items.count - 1)
        lineItemsByOrder[order].removeLast()
        return emit(.contains, RecordNames.order(order), RecordNames.lineItem(item), .unlink, person: nil)
    }

    private mutating func member(_ person: Int) -> Line {
        let households = householdsByPerson[person]
        let roll = random.unit()
        let candidate = Int32(random.below(shape.households))
        if households.isEmpty || (households.count < WorkloadShape.householdsPerPersonMax && roll < 0.45 && !households.contains(candidate)) {
            householdsByPerson[person].append(candidate)
            let attributes: Attributes = ["role": .string(pick(["adult", "child", "guardian"]))]
            return emit(.member, RecordNames.person(person), RecordNames.household(Int(candidate)), .link(attributes), person: person)
        }
        let slot = random.below(households.count)
        let household = RecordNames.household(Int(households[slot]))
        if roll < 0.85 {
            let set: Attributes = ["role": .string(pick(["adult", "child", "guardian"])), "rev": .int(nextRevision())]
            return emit(.member, RecordNames.person(person), household, .setAttributes(set, unset: []), person: person)
        }
        householdsByPerson[person].swapAt(slot, households.count - 1)
        householdsByPerson[person].removeLast()
        return emit(.member, RecordNames.person(person), household, .unlink, person: person)
    }

    private mutating func owns(_ person: Int) -> Line {
        let current = accountByPerson[person]
        guard current >= 0 else {
            let account = random.below(shape.accounts)
            accountByPerson[person] = Int32(account)
            let attributes: Attributes = ["level": .string(pick(["owner", "viewer", "admin"]))]
            return emit(.owns, RecordNames.person(person), RecordNames.account(account), .link(attributes), person: person)
        }
        let account = RecordNames.account(Int(current))
        if random.unit() < 0.60 {
            let set: Attributes = ["level": .string(pick(["owner", "viewer", "admin"])), "rev": .int(nextRevision())]
            return emit(.owns, RecordNames.person(person), account, .setAttributes(set, unset: []), person: person)
        }
        accountByPerson[person] = -1
        return emit(.owns, RecordNames.person(person), account, .unlink, person: person)
    }

    private mutating func nextRevision() -> Int64 {
        revision += 1
        return revision
    }

    private mutating func pick(_ choices: [String]) -> String {
        choices[random.below(choices.count)]
    }

    /// Encodes one operation line, naming the type by ID (as a file written
    /// after setup would) and the endpoints by the fields of its kind.
    private mutating func emit(_ type: WorkloadType, _ from: String, _ to: String, _ action: Action, person: Int?) -> Line {
        let endpoints = type.key.kind == .personToCo
            ? ("personExternalId", "customObjectExternalId") : ("parentExternalId", "childExternalId")
        var fields: [String: JSONValue] = [
            "relationshipTypeId": .string(typeIDs[type.rawValue]), endpoints.0: .string(from), endpoints.1: .string(to),
        ]
        switch action {
        case .link(let attributes):
            counts.link += 1
            fields["op"] = .string("link")
            fields["attributes"] = .object(attributes)
        case .setAttributes(let set, let unset):
            counts.setAttributes += 1
            fields["op"] = .string("setAttributes")
            fields["set"] = .object(set)
            if !unset.isEmpty { fields["unset"] = .array(unset.map(JSONValue.string)) }
        case .unlink:
            counts.unlink += 1
            fields["op"] = .string("unlink")
        }
        return Line(json: JSONValue.object(fields).encodedBytes, person: person)
    }
}
