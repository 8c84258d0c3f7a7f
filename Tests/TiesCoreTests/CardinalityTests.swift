import Testing
@testable import TiesCore
import TiesTestSupport

/// TiesCore.docc/Rules.md: cardinality is enforced on link and on tightening.
/// `ONE_TO_MANY`: a `to` has at most one `from`; `MANY_TO_ONE`: a `from` has
/// at most one `to`; `ONE_TO_ONE`: both; `MANY_TO_MANY` (or none): no limit.
struct CardinalityTests {
    /// The second link, after `from1 → to1` exists.
    enum SecondLink: String, Sendable, CaseIterable {
        /// Another `from` for the same `to`: `from2 → to1`.
        case anotherFromForTheSameTo
        /// Another `to` for the same `from`: `from1 → to2`.
        case anotherToForTheSameFrom
        /// Unrelated records: `from2 → to2`.
        case unrelated

        var endpoints: (from: String, to: String) {
            switch self {
            case .anotherFromForTheSameTo: return ("from2", "to1")
            case .anotherToForTheSameFrom: return ("from1", "to2")
            case .unrelated: return ("from2", "to2")
            }
        }
    }

    struct LinkCase: Sendable, CustomTestStringConvertible {
        let cardinality: Cardinality?
        let second: SecondLink
        let kind: RelationshipKind
        let allowed: Bool
        var testDescription: String {
            "\(cardinality?.rawValue ?? "no cardinality"), \(kind.rawValue): \(second.rawValue) is \(allowed ? "allowed" : "a violation")"
        }
    }

    static func expectedToAllow(_ cardinality: Cardinality?, _ second: SecondLink) -> Bool {
        switch (cardinality, second) {
        case (_, .unrelated): return true
        case (nil, _), (.manyToMany?, _): return true
        case (.oneToOne?, _): return false
        case (.oneToMany?, .anotherFromForTheSameTo): return false
        case (.oneToMany?, .anotherToForTheSameFrom): return true
        case (.manyToOne?, .anotherFromForTheSameTo): return true
        case (.manyToOne?, .anotherToForTheSameFrom): return false
        }
    }

    static let linkCases: [LinkCase] = {
        var cases: [LinkCase] = []
        for kind in RelationshipKind.allCases {
            for cardinality in [nil] + Cardinality.allCases.map(Optional.some) {
                for second in SecondLink.allCases {
                    cases.append(LinkCase(cardinality: cardinality, second: second, kind: kind,
                                          allowed: expectedToAllow(cardinality, second)))
                }
            }
        }
        return cases
    }()

    static func key(_ kind: RelationshipKind) -> RelationshipTypeKey {
        kind == .personToCo ? Keys.placed : Keys.contains
    }

    static func ledger(_ kind: RelationshipKind, _ cardinality: Cardinality?) throws -> MemoryLedger {
        kind == .personToCo ? try MemoryLedger.withTypes(placed: cardinality) : try MemoryLedger.withTypes(contains: cardinality)
    }

    @Test("a second link is checked against the cardinality", arguments: linkCases)
    func secondLink(_ rule: LinkCase) throws {
        let key = Self.key(rule.kind)
        let (from, to) = rule.second.endpoints
        for sameCommit in [false, true] {
            let ledger = try Self.ledger(rule.kind, rule.cardinality)
            let type = try ledger.type(key)
            var operations = [Op.link(key, from, to)]
            if sameCommit {
                operations.insert(Op.link(key, "from1", "to1"), at: 0)
            } else {
                try ledger.commit(Op.link(key, "from1", "to1"))
            }
            if rule.allowed {
                let plan = try ledger.commit(operations)
                #expect(plan.events.last == .linked(Op.linkKey(type, from, to), attributes: [:]))
                #expect(try ledger.attributes(Op.linkKey(type, from, to)) == [:])
            } else {
                let error = try rejection { () throws(LedgerError) in try ledger.commit(operations) }
                #expect(error.code == .cardinalityViolation)
                #expect(error.details["index"] == .int(sameCommit ? 1 : 0))
                #expect(error.details["existing"] == linkJSON(Op.linkKey(type, "from1", "to1")))
                #expect(error.details["cardinality"] == .string(rule.cardinality?.rawValue ?? ""))
                #expect(try ledger.attributes(Op.linkKey(type, from, to)) == nil)
            }
        }
    }

    @Test("re-linking an existing link never violates the cardinality", arguments: Cardinality.allCases)
    func reLinkIsNotANewLink(_ cardinality: Cardinality) throws {
        let ledger = try MemoryLedger.withTypes(placed: cardinality)
        let key = Op.linkKey(try ledger.type(Keys.placed), "u1", "o1")
        try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["a": .int(1)]))
        let plan = try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["a": .int(2)]), Op.link(Keys.placed, "u1", "o1"))
        #expect(plan.events == [.attributesChanged(key, set: ["a": .int(2)], unset: [])])
    }

    @Test("after an unlink, another from may take the to's place", arguments: [false, true])
    func unlinkFreesTheSlot(_ sameCommit: Bool) throws {
        let ledger = try MemoryLedger.withTypes(placed: .oneToOne)
        let type = try ledger.type(Keys.placed)
        try ledger.commit(Op.link(Keys.placed, "u1", "o1"))
        if sameCommit {
            try ledger.commit(Op.unlink(Keys.placed, "u1", "o1"), Op.link(Keys.placed, "u2", "o1"))
        } else {
            try ledger.commit(Op.unlink(Keys.placed, "u1", "o1"))
            try ledger.commit(Op.link(Keys.placed, "u2", "o1"))
        }
        #expect(try ledger.attributes(Op.linkKey(type, "u2", "o1")) == [:])
        // The new link now holds the slot.
        let error = try rejection { () throws(LedgerError) in try ledger.commit(Op.link(Keys.placed, "u1", "o1")) }
        #expect(error.code == .cardinalityViolation)
        #expect(error.details["existing"] == linkJSON(Op.linkKey(type, "u2", "o1")))
    }

    @Test("cardinality is per type: the same records may be linked in another type")
    func cardinalityIsPerType() throws {
        let ledger = try MemoryLedger.withTypes(placed: .oneToOne)
        let returned = RelationshipTypeKey.personToCo(role: "returned", objectType: "order")
        try ledger.commit(Op.register(returned, cardinality: .oneToOne), Op.link(Keys.placed, "u1", "o1"))
        let plan = try ledger.commit(Op.link(returned, "u2", "o1"))
        #expect(eventNames(plan) == ["relationship.linked"])
    }

    // MARK: - Tightening

    /// The current links before tightening.
    enum Shape: String, Sendable, CaseIterable {
        /// `from1 → to1`, `from2 → to1`: a `to` with two `from`s.
        case toWithTwoFroms
        /// `from1 → to1`, `from1 → to2`: a `from` with two `to`s.
        case fromWithTwoTos
        /// `from1 → to1`, `from2 → to2`: nothing shared.
        case disjoint

        var links: [(String, String)] {
            switch self {
            case .toWithTwoFroms: return [("from1", "to1"), ("from2", "to1")]
            case .fromWithTwoTos: return [("from1", "to1"), ("from1", "to2")]
            case .disjoint: return [("from1", "to1"), ("from2", "to2")]
            }
        }

        func breaks(_ cardinality: Cardinality) -> Bool {
            switch self {
            case .toWithTwoFroms: return cardinality.limitsFromsPerTo
            case .fromWithTwoTos: return cardinality.limitsTosPerFrom
            case .disjoint: return false
            }
        }
    }

    struct TighteningCase: Sendable, CustomTestStringConvertible {
        let shape: Shape
        let cardinality: Cardinality
        let kind: RelationshipKind
        var testDescription: String { "\(kind.rawValue) \(shape.rawValue) → \(cardinality.rawValue)" }
    }

    static let tighteningCases: [TighteningCase] = RelationshipKind.allCases.flatMap { kind in
        Shape.allCases.flatMap { shape in
            Cardinality.allCases.map { TighteningCase(shape: shape, cardinality: $0, kind: kind) }
        }
    }

    @Test("tightening fails exactly when the current links break the new cardinality", arguments: tighteningCases)
    func tightening(_ rule: TighteningCase) throws {
        let key = Self.key(rule.kind)
        for sameCommit in [false, true] {
            let ledger = try Self.ledger(rule.kind, nil)
            let type = try ledger.type(key)
            let links = rule.shape.links.map { Op.link(key, $0.0, $0.1) }
            var operations = [Op.register(key, cardinality: rule.cardinality)]
            if sameCommit {
                operations.insert(contentsOf: links, at: 0)
            } else {
                try ledger.commit(links)
            }
            if rule.shape.breaks(rule.cardinality) {
                let error = try rejection { () throws(LedgerError) in try ledger.commit(operations) }
                #expect(error.code == .cardinalityViolation)
                #expect(error.details["index"] == .int(Int64(operations.count - 1)))
                let existing = try #require(error.details["existing"]?.objectValue)
                let named = (existing["from"]?.stringValue, existing["to"]?.stringValue)
                let current = rule.shape.links.map { Op.linkKey(type, $0.0, $0.1) }
                #expect(current.contains { ($0.from.description, $0.to.description) == named },
                        "\(existing) is not one of the current links")
                #expect(existing["relationshipTypeId"] == .string(type.id))
                #expect(try ledger.type(key).cardinality == nil)
            } else {
                let plan = try ledger.commit(operations)
                #expect(plan.events.last == .relationshipTypeUpdated(id: type.id, change: RelationshipTypeChange(cardinality: rule.cardinality)))
                #expect(try ledger.type(key).cardinality == rule.cardinality)
            }
        }
    }

    @Test("tightening is allowed once the offending link is unlinked", arguments: [false, true])
    func tighteningAfterUnlink(_ sameCommit: Bool) throws {
        let ledger = try MemoryLedger.withTypes(placed: .manyToMany)
        try ledger.commit(Op.link(Keys.placed, "u1", "o1"), Op.link(Keys.placed, "u2", "o1"), Op.link(Keys.placed, "u3", "o2"))
        let tighten = Op.register(Keys.placed, cardinality: .oneToMany)
        let error = try rejection { () throws(LedgerError) in try ledger.commit(tighten) }
        #expect(error.code == .cardinalityViolation)
        if sameCommit {
            let plan = try ledger.commit(Op.unlink(Keys.placed, "u2", "o1"), tighten)
            #expect(eventNames(plan) == ["relationship.unlinked", "relationshipType.updated"])
        } else {
            try ledger.commit(Op.unlink(Keys.placed, "u2", "o1"))
            try ledger.commit(tighten)
        }
        #expect(try ledger.type(Keys.placed).cardinality == .oneToMany)
        // And now the tightened cardinality is enforced.
        let again = try rejection { () throws(LedgerError) in try ledger.commit(Op.link(Keys.placed, "u2", "o1")) }
        #expect(again.code == .cardinalityViolation)
    }

    @Test("tightening is checked against every crowded record, not only the first")
    func tighteningSeesEveryCrowdedRecord() throws {
        let ledger = try MemoryLedger.withTypes()
        try ledger.commit(Op.link(Keys.placed, "a", "o1"), Op.link(Keys.placed, "b", "o1"),
                          Op.link(Keys.placed, "c", "o2"), Op.link(Keys.placed, "d", "o2"))
        let tighten = Op.register(Keys.placed, cardinality: .oneToMany)
        // Relieving o1 alone is not enough: o2 still has two people.
        let error = try rejection { () throws(LedgerError) in try ledger.commit(Op.unlink(Keys.placed, "a", "o1"), tighten) }
        #expect(error.code == .cardinalityViolation)
        #expect(error.details["index"] == .int(1))
        let existing = try #require(error.details["existing"]?.objectValue)
        #expect(existing["to"] == .string("order:o2"))
        let plan = try ledger.commit(Op.unlink(Keys.placed, "a", "o1"), Op.unlink(Keys.placed, "d", "o2"), tighten)
        #expect(plan.events.count == 3)
    }

    @Test("loosening is always allowed", arguments: Cardinality.allCases)
    func loosening(_ cardinality: Cardinality) throws {
        let ledger = try MemoryLedger.withTypes(placed: .oneToOne)
        try ledger.commit(Op.link(Keys.placed, "u1", "o1"), Op.link(Keys.placed, "u2", "o2"))
        try ledger.commit(Op.register(Keys.placed, cardinality: cardinality))
        #expect(try ledger.type(Keys.placed).cardinality == cardinality)
    }

    @Test("re-registering with the same cardinality and a new description is not a tightening")
    func descriptionChangeDoesNotRecheck() throws {
        let ledger = try MemoryLedger.withTypes(placed: .oneToMany)
        try ledger.commit(Op.link(Keys.placed, "u1", "o1"), Op.link(Keys.placed, "u1", "o2"))
        let plan = try ledger.commit(Op.register(Keys.placed, cardinality: .oneToMany, description: "d"))
        #expect(eventNames(plan) == ["relationshipType.updated"])
    }
}
