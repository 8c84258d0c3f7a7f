import Testing
@testable import TiesCore
import TiesTestSupport

/// Records, identifiers, matching and `requireRecords` (TiesCore.docc/Records.md).
struct RecordRuleTests {
    static let email = Identifier(field: "email", unique: true)
    static let city = Identifier(field: "city", unique: false)

    /// Orders and `placed/order`, with person identifiers email (unique) and city.
    static func ledger() throws -> MemoryLedger {
        let ledger = try MemoryLedger.withTypes()
        try ledger.commit(Op.define("person", identifiers: [email, city]))
        return ledger
    }

    static func match(_ field: String, _ value: JSONValue) -> RecordSelector { .match(FieldMatch(field: field, value: value)) }

    static func link(_ from: RecordSelector, _ to: RecordSelector = .id("o1")) -> Operation {
        .link(LinkRequest(type: .key(Keys.placed), from: from, to: to, style: .personAndObject), attributes: [:])
    }

    // MARK: Object types

    @Test func refiningPersonAppendsTheWholeDefinitionAndNothingNewAppendsNothing() throws {
        let ledger = try MemoryLedger.withTypes()
        let plan = try ledger.commit(Op.define("person", identifiers: [Self.email]))
        #expect(plan.events == [.objectTypeDefined(ObjectType(name: "person", description: nil, identifiers: [Self.email]))])
        #expect(plan.results == [.objectType(ObjectType(name: "person", description: nil, identifiers: [Self.email]), created: false, changed: true)])
        #expect(try ledger.commit(Op.define("person", identifiers: [Self.email])).events.isEmpty)
        // Omitted fields are kept; identifiers are merged, a named one takes the uniqueness given.
        try ledger.commit(Op.define("person", description: "People", identifiers: [Self.city], requireRecords: true))
        #expect(try ledger.state.objectType(named: "person") == ObjectType(name: "person", description: "People", identifiers: [Self.email, Self.city], requireRecords: true))
        try ledger.commit(Op.define("person", identifiers: [Identifier(field: "email", unique: false)]))
        #expect(try ledger.state.objectType(named: "person")?.identifiers == [Identifier(field: "email", unique: false), Self.city])
        #expect(try ledger.state.objectType(named: "person")?.requireRecords == true)
    }

    @Test func identifierLimitsAndDuplicates() throws {
        let ledger = try MemoryLedger.withTypes()
        let twenty = (1...Limits.identifiersPerTypeMax).map { Identifier(field: "f\($0)", unique: false) }
        try ledger.commit(Op.define("order", identifiers: twenty))
        let tooMany = try rejection { try ledger.commit(Op.define("order", identifiers: [Identifier(field: "one_more", unique: false)])) }
        #expect(tooMany.code == .invalidField)
        let twice = try rejection { try ledger.commit(Op.define("line_item", identifiers: [Self.email, Self.email])) }
        #expect(twice.code == .invalidField)
        let empty = try rejection { try ledger.commit(Op.define("line_item", identifiers: [Identifier(field: "", unique: true)])) }
        #expect(empty.code == .invalidField)
    }

    @Test func anIdentifierBecomesUniqueOnlyWhenItsValuesAre() throws {
        let ledger = try Self.ledger()
        try ledger.commit(Op.upsert("person:u1", set: ["city": .string("Oslo")]), Op.upsert("person:u2", set: ["city": .string("Oslo")]))
        let error = try rejection { try ledger.commit(Op.define("person", identifiers: [Identifier(field: "city", unique: true)])) }
        #expect(error.code == .duplicateIdentifier)
        #expect(error.details["records"] == .array([.string("person:u1"), .string("person:u2")]))
        // In the same commit, a change that makes the values unique first lets it through.
        try ledger.commit(Op.upsert("person:u2", set: ["city": .string("Bergen")]), Op.define("person", identifiers: [Identifier(field: "city", unique: true)]))
        #expect(try ledger.state.objectType(named: "person")?.identifier("city")?.unique == true)
    }

    /// The overlay indexes holders of identifier values only: a field made
    /// an identifier must still find the values records took before, in the
    /// same commit and in earlier ones.
    @Test func aFieldMadeAnIdentifierFindsTheValuesRecordsAlreadyHold() throws {
        let ledger = try Self.ledger()
        try ledger.commit(Op.upsert("person:u1", set: ["nick": .string("ada")]))
        let plan = try ledger.commit(Op.upsert("person:u2", set: ["nick": .string("bob")]),
                                     Op.define("person", identifiers: [Identifier(field: "nick", unique: true)]),
                                     Self.link(Self.match("nick", .string("ada")), .id("o1")),
                                     Self.link(Self.match("nick", .string("bob")), .id("o2")))
        #expect(plan.events.compactMap(\.link).map(\.from.id) == ["u1", "u2"])
        let taken = try rejection { try ledger.commit(Op.upsert("person:u3", set: ["nick": .string("bob")])) }
        #expect(taken.code == .duplicateIdentifier && taken.details["holder"] == .string("person:u2"))
        let shared = try rejection {
            try ledger.commit(Op.upsert("person:u4", set: ["alias": .string("x")]), Op.upsert("person:u5", set: ["alias": .string("x")]),
                              Op.define("person", identifiers: [Identifier(field: "alias", unique: true)]))
        }
        #expect(shared.code == .duplicateIdentifier && shared.details["records"] == .array([.string("person:u4"), .string("person:u5")]))
    }

    // MARK: Upserts

    @Test func upsertCreatesChangesAndAppendsNothingWhenNothingChanges() throws {
        let ledger = try Self.ledger()
        let created = try ledger.commit(Op.upsert("person:u1"))
        #expect(created.results == [.record(RecordRef(type: "person", id: "u1"), created: true, changed: true)])
        #expect(eventNames(created) == ["record.upserted"])
        #expect(try ledger.commit(Op.upsert("person:u1")).events.isEmpty)
        let changed = try ledger.commit(Op.upsert("person:u1", set: ["email": .string("a@x"), "name": .string("Ada")]))
        #expect(changed.results == [.record(RecordRef(type: "person", id: "u1"), created: false, changed: true)])
        let partly = try ledger.commit(Op.upsert("person:u1", set: ["email": .string("a@x"), "name": .string("Ada L")], unset: ["phone"]))
        #expect(partly.events == [.recordUpserted(RecordRef(type: "person", id: "u1"), set: ["name": FieldValue(value: .string("Ada L"))], unset: [])])
        #expect(try ledger.state.record(RecordRef(type: "person", id: "u1")) == RecordState(fields: ["email": .string("a@x"), "name": .string("Ada L")], erased: false))
    }

    @Test func upsertValidation() throws {
        let ledger = try Self.ledger()
        let unknown = try rejection { try ledger.commit(Op.upsert("ordr:1")) }
        #expect(unknown.code == .unknownObjectType)
        #expect(unknown.details["suggestions"] == .array([.string("order")]))
        #expect(try rejection { try ledger.commit(Op.upsert("person:u1", set: ["a": .int(1)], unset: ["a"])) }.code == .invalidField)
        #expect(try rejection { try ledger.commit(Op.upsert("person:u1", set: ["a": .array([])])) }.code == .invalidField)
        #expect(try rejection { try ledger.commit(Op.upsert("person:u1", set: ["a": .string(String(repeating: "x", count: Limits.attributeStringBytesMax + 1))])) }.code == .invalidField)
        try ledger.commit(Op.upsert("person:u1", set: ["a": .string(String(repeating: "x", count: Limits.attributeStringBytesMax))]))
        let id = String(repeating: "i", count: Limits.recordIDBytesMax)
        try ledger.commit(Op.upsert("person:" + id))
        #expect(try rejection { try ledger.commit(Op.upsert("person:" + id + "i")) }.code == .invalidField)
    }

    @Test func aRecordHoldsAtMostTheFieldLimitAfterTheMerge() throws {
        let ledger = try Self.ledger()
        let full = Dictionary(uniqueKeysWithValues: (1...Limits.fieldsPerRecordMax).map { ("f\($0)", JSONValue.int(Int64($0))) })
        try ledger.commit(Op.upsert("person:u1", set: full))
        #expect(try rejection { try ledger.commit(Op.upsert("person:u1", set: ["one_more": .int(0)])) }.code == .invalidField)
        try ledger.commit(Op.upsert("person:u1", set: ["one_more": .int(0)], unset: ["f1"]))
    }

    @Test func aUniqueValueHasOneHolder() throws {
        let ledger = try Self.ledger()
        try ledger.commit(Op.upsert("person:u1", set: ["email": .string("a@x")]))
        let error = try rejection { try ledger.commit(Op.upsert("person:u2", set: ["email": .string("a@x")])) }
        #expect(error.code == .duplicateIdentifier)
        #expect(error.details["holder"] == .string("person:u1"))
        // Setting it again on its holder is no change; a non-unique identifier may repeat.
        #expect(try ledger.commit(Op.upsert("person:u1", set: ["email": .string("a@x")])).events.isEmpty)
        try ledger.commit(Op.upsert("person:u1", set: ["city": .string("Oslo")]), Op.upsert("person:u2", set: ["city": .string("Oslo")]))
        // JSON values: the number 1 is not the string "1".
        try ledger.commit(Op.upsert("person:u3", set: ["email": .int(1)]), Op.upsert("person:u4", set: ["email": .string("1")]))
        // Freed by a change in the same commit, the value can move.
        try ledger.commit(Op.upsert("person:u1", set: ["email": .string("b@x")]), Op.upsert("person:u2", set: ["email": .string("a@x")]))
    }

    @Test func erasureIsOnceAndAnErasedRecordTakesNoFields() throws {
        let ledger = try Self.ledger()
        #expect(try rejection { try ledger.commit(.eraseRecord(RecordRef(type: "person", id: "u1"))) }.code == .recordNotFound)
        try ledger.commit(Op.upsert("person:u1", set: ["email": .string("a@x")]))
        let erased = try ledger.commit(.eraseRecord(RecordRef(type: "person", id: "u1")))
        #expect(erased.events == [.recordErased(RecordRef(type: "person", id: "u1"))])
        #expect(try ledger.commit(.eraseRecord(RecordRef(type: "person", id: "u1"))).results == [.erased(RecordRef(type: "person", id: "u1"), changed: false)])
        #expect(try rejection { try ledger.commit(Op.upsert("person:u1", set: ["name": .string("A")])) }.code == .recordErased)
        // Its value is free again, and matching no longer finds it.
        #expect(try rejection { try ledger.commit(Self.link(Self.match("email", .string("a@x")))) }.code == .targetRecordNotFound)
        try ledger.commit(Op.upsert("person:u2", set: ["email": .string("a@x")]))
    }

    // MARK: Matching

    @Test func matchingResolvesAndTheEventSaysHow() throws {
        let ledger = try Self.ledger()
        try ledger.commit(Op.upsert("person:u1", set: ["email": .string("a@x")]), Op.upsert("order:o1"))
        try ledger.commit(Op.define("order", identifiers: [Identifier(field: "number", unique: true)]), Op.upsert("order:o2", set: ["number": .int(2)]))
        let plan = try ledger.commit(Self.link(Self.match("email", .string("a@x")), Self.match("number", .int(2))))
        let key = LinkKey(typeId: try ledger.type(Keys.placed).id, from: RecordRef(type: "person", id: "u1"), to: RecordRef(type: "order", id: "o2"))
        #expect(plan.events == [.linked(key, attributes: [:], matchedBy: MatchedBy(from: "email", to: "number"))])
        let unlinked = try ledger.commit(.unlink(LinkRequest(type: .key(Keys.placed), from: .id("u1"), to: Self.match("number", .int(2)), style: .personAndObject)))
        #expect(unlinked.events == [.unlinked(key, matchedBy: MatchedBy(to: "number"))])
    }

    @Test func matchingErrors() throws {
        let ledger = try Self.ledger()
        try ledger.commit(Op.upsert("person:u1", set: ["name": .string("Ada")]))
        let notIdentifier = try rejection { try ledger.commit(Self.link(Self.match("name", .string("Ada")))) }
        #expect(notIdentifier.code == .invalidMatchingField)
        #expect(notIdentifier.details["field"] == .string("personMatch"))
        #expect(notIdentifier.details["identifiers"] == .array([.string("email"), .string("city")]))
        let none = try rejection { try ledger.commit(Self.link(Self.match("email", .string("nobody@x")))) }
        #expect(none.code == .targetRecordNotFound)
        for index in 1...12 { try ledger.commit(Op.upsert("person:c\(String(format: "%02d", index))", set: ["city": .string("Oslo")])) }
        let ambiguous = try rejection { try ledger.commit(Self.link(Self.match("city", .string("Oslo")))) }
        #expect(ambiguous.code == .ambiguousMatch)
        #expect(ambiguous.details["candidates"] == .array((1...10).map { .string("c\(String(format: "%02d", $0))") }))
        try ledger.commit(Op.upsert("person:only", set: ["city": .string("Bergen")]))
        try ledger.commit(Self.link(Self.match("city", .string("Bergen"))))
    }

    // MARK: requireRecords

    @Test func requireRecordsStopsNewLinksToRecordsNeverUpserted() throws {
        let ledger = try Self.ledger()
        try ledger.commit(Self.link(.id("u0"), .id("o0")))
        try ledger.commit(Op.define("order", requireRecords: true))
        let error = try rejection { try ledger.commit(Self.link(.id("u1"), .id("o1"))) }
        #expect(error.code == .targetRecordNotFound)
        #expect(error.details["record"] == .string("order:o1"))
        try ledger.commit(Op.upsert("order:o1"), Self.link(.id("u1"), .id("o1")))
        // Links made before it was turned on are left alone: they can still change and go.
        try ledger.commit(.setAttributes(LinkRequest(type: .key(Keys.placed), fromID: "u0", toID: "o0", style: .personAndObject), set: ["a": .int(1)], unset: []))
        try ledger.commit(.unlink(LinkRequest(type: .key(Keys.placed), fromID: "u0", toID: "o0", style: .personAndObject)))
        try ledger.commit(Op.define("order", requireRecords: false), Self.link(.id("u2"), .id("o9")))
    }

    // MARK: Property: matching sees the commit's earlier upserts

    /// Random commits of upserts (emails unique, cities not) interleaved with
    /// links by match, decided as one commit, against a model that resolves
    /// each match from the upserts before it. Either every link goes to the
    /// record the model says, or the commit fails at the first operation the
    /// model says fails, with its code.
    @Test(arguments: 0..<200)
    func matchingInsideACommitSeesItsEarlierUpserts(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let ledger = try Self.ledger()
        let placed = try ledger.type(Keys.placed).id
        var emails: [String: String] = [:]  // person ID → email
        var cities: [String: String] = [:]
        var operations: [Operation] = []
        var expected: [LinkKey] = []
        var failure: (index: Int, code: LedgerError.Code)?
        for index in 0..<Int.random(in: 1...12, using: &random) {
            let person = "p\(Int.random(in: 0..<4, using: &random))"
            if Bool.random(using: &random) {
                let email = "e\(Int.random(in: 0..<3, using: &random))"
                let city = "c\(Int.random(in: 0..<2, using: &random))"
                operations.append(Op.upsert("person:" + person, set: ["email": .string(email), "city": .string(city)]))
                if failure == nil {
                    if emails.contains(where: { $0.value == email && $0.key != person }) {
                        failure = (index, .duplicateIdentifier)
                    } else {
                        emails[person] = email
                        cities[person] = city
                    }
                }
            } else {
                let byEmail = Bool.random(using: &random)
                let value = byEmail ? "e\(Int.random(in: 0..<3, using: &random))" : "c\(Int.random(in: 0..<2, using: &random))"
                let order = "o\(index)"
                operations.append(Self.link(Self.match(byEmail ? "email" : "city", .string(value)), .id(order)))
                if failure == nil {
                    let holders = (byEmail ? emails : cities).filter { $0.value == value }.map(\.key)
                    switch holders.count {
                    case 0: failure = (index, .targetRecordNotFound)
                    case 1: expected.append(LinkKey(typeId: placed, from: RecordRef(type: "person", id: holders[0]), to: RecordRef(type: "order", id: order)))
                    default: failure = (index, .ambiguousMatch)
                    }
                }
            }
        }
        do {
            let plan = try Decider.plan(operations, against: ledger.state)
            #expect(failure == nil, "seed \(seed): expected \(String(describing: failure))")
            #expect(plan.events.compactMap(\.link) == expected, "seed \(seed)")
        } catch {
            #expect(error.code == failure?.code, "seed \(seed): \(error)")
            #expect(error.details["index"] == failure.map { .int(Int64($0.index)) }, "seed \(seed): \(error)")
        }
    }
}
