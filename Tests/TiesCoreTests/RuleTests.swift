import Testing
@testable import TiesCore
import TiesTestSupport

/// The ledger's rules (TiesCore.docc/Rules.md) as given/when/then tables over operation lines,
/// plus focused tests for what the tables cannot show (payloads, results,
/// IDs).
struct RuleTests {
    // MARK: - Given / when / then

    /// The type references of the base ledger, as `relationshipType` objects of operation lines.
    static let placed = #""relationshipType":{"kind":"person_to_co","role":"placed","customObjectType":"order"}"#
    static let contains = #""relationshipType":{"kind":"co_to_co","role":"contains","parentCustomObjectType":"order","childCustomObjectType":"line_item"}"#

    /// Every case starts from these lines, committed as one commit.
    static let base = [
        #"{"op":"defineObjectType","name":"order","description":"A purchase"}"#,
        #"{"op":"defineObjectType","name":"line_item"}"#,
        #"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order"}"#,
        #"{"op":"registerRelationshipType","kind":"co_to_co","role":"contains","parentCustomObjectType":"order","childCustomObjectType":"line_item"}"#,
    ]

    static func link(_ from: String = "u1", _ to: String = "o1", _ attributes: String = "") -> String {
        #"{"op":"link",\#(placed),"personExternalId":"\#(from)","customObjectExternalId":"\#(to)"\#(attributes.isEmpty ? "" : #","attributes":"# + attributes)}"#
    }

    static func unlink(_ from: String = "u1", _ to: String = "o1") -> String {
        #"{"op":"unlink",\#(placed),"personExternalId":"\#(from)","customObjectExternalId":"\#(to)"}"#
    }

    static func setAttributes(_ set: String, unset: String = "[]", _ from: String = "u1", _ to: String = "o1") -> String {
        #"{"op":"setAttributes",\#(placed),"personExternalId":"\#(from)","customObjectExternalId":"\#(to)","set":\#(set),"unset":\#(unset)}"#
    }

    enum Outcome: Sendable, Equatable {
        /// The commit is accepted and appends events with these names.
        case events([String])
        /// The commit is rejected with this code, naming the operation at `index`.
        case rejected(LedgerError.Code, index: Int)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let given: [String]
        let when: [String]
        let then: Outcome
        var testDescription: String { name }

        init(_ name: String, given: [String] = [], when: [String], then: Outcome) {
            self.name = name
            self.given = given
            self.when = when
            self.then = then
        }
    }

    static let defined = "objectType.defined"
    static let registered = "relationshipType.registered"
    static let updated = "relationshipType.updated"
    static let linked = "relationship.linked"
    static let unlinked = "relationship.unlinked"
    static let changed = "relationship.attributesChanged"

    static let objectTypeCases: [Case] = [
        Case("defining a new object type appends objectType.defined",
             when: [#"{"op":"defineObjectType","name":"account"}"#], then: .events([defined])),
        Case("defining an object type again with the same description appends nothing",
             when: [#"{"op":"defineObjectType","name":"order","description":"A purchase"}"#], then: .events([])),
        Case("defining an object type again without a description appends nothing",
             when: [#"{"op":"defineObjectType","name":"order"}"#], then: .events([])),
        Case("defining an object type again with another description appends one event",
             when: [#"{"op":"defineObjectType","name":"order","description":"An order"}"#], then: .events([defined])),
        Case("defining the built-in person type appends nothing",
             when: [#"{"op":"defineObjectType","name":"person"}"#], then: .events([])),
        Case("a type name with a colon is rejected",
             when: [#"{"op":"defineObjectType","name":"a:b"}"#], then: .rejected(.invalidField, index: 0)),
    ]

    static let registrationCases: [Case] = [
        Case("registering a new relationship type appends relationshipType.registered",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"owns","customObjectType":"order"}"#],
             then: .events([registered])),
        Case("registering the same type again appends nothing",
             when: [base[2]], then: .events([])),
        Case("registering the same co_to_co type again appends nothing",
             when: [base[3]], then: .events([])),
        Case("the same role between other object types is another type",
             when: [#"{"op":"registerRelationshipType","kind":"co_to_co","role":"contains","parentCustomObjectType":"line_item","childCustomObjectType":"order"}"#],
             then: .events([registered])),
        Case("re-registering with a cardinality appends relationshipType.updated",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order","cardinality":"ONE_TO_MANY"}"#],
             then: .events([updated])),
        Case("re-registering with a description appends relationshipType.updated",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order","description":"Who bought it"}"#],
             then: .events([updated])),
        Case("re-registering as bidirectional appends relationshipType.updated",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order","bidirectional":true}"#],
             then: .events([updated])),
        Case("re-registering with the default bidirectional false appends nothing",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order","bidirectional":false}"#],
             then: .events([])),
        Case("registering against an unknown object type is rejected",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"invoice"}"#],
             then: .rejected(.unknownObjectType, index: 0)),
        Case("registering a co_to_co type with an unknown parent is rejected",
             when: [#"{"op":"registerRelationshipType","kind":"co_to_co","role":"contains","parentCustomObjectType":"cart","childCustomObjectType":"line_item"}"#],
             then: .rejected(.unknownObjectType, index: 0)),
        Case("registering a co_to_co type with an unknown child is rejected",
             when: [#"{"op":"registerRelationshipType","kind":"co_to_co","role":"contains","parentCustomObjectType":"order","childCustomObjectType":"sku"}"#],
             then: .rejected(.unknownObjectType, index: 0)),
        Case("person cannot be the custom object type of person_to_co",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"knows","customObjectType":"person"}"#],
             then: .rejected(.invalidField, index: 0)),
        Case("a role with a slash is rejected",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"a/b","customObjectType":"order"}"#],
             then: .rejected(.invalidField, index: 0)),
        Case("re-registering with an inverse role appends relationshipType.updated",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order","inverseRole":"placed_by"}"#],
             then: .events([updated])),
        Case("re-registering with the same inverse role appends nothing",
             given: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order","inverseRole":"placed_by"}"#],
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order","inverseRole":"placed_by"}"#],
             then: .events([])),
        Case("an empty inverse role is rejected",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"owns","customObjectType":"order","inverseRole":""}"#],
             then: .rejected(.invalidField, index: 0)),
        Case("an inverse role with a slash is rejected",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"owns","customObjectType":"order","inverseRole":"a/b"}"#],
             then: .rejected(.invalidField, index: 0)),
        Case("an inverse role longer than 255 characters is rejected",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"owns","customObjectType":"order","inverseRole":"\#(String(repeating: "é", count: 256))"}"#],
             then: .rejected(.invalidField, index: 0)),
        Case("an inverse role of 255 characters is accepted",
             when: [#"{"op":"registerRelationshipType","kind":"person_to_co","role":"owns","customObjectType":"order","inverseRole":"\#(String(repeating: "é", count: 255))"}"#],
             then: .events([registered])),
    ]

    static let linkCases: [Case] = [
        Case("linking a new pair appends relationship.linked",
             when: [link()], then: .events([linked])),
        Case("linking an existing link with no attributes appends nothing",
             given: [link()], when: [link()], then: .events([])),
        Case("linking an existing link with the same attributes appends nothing",
             given: [link("u1", "o1", #"{"channel":"web","n":1}"#)], when: [link("u1", "o1", #"{"n":1,"channel":"web"}"#)],
             then: .events([])),
        Case("linking an existing link with a subset of its attributes appends nothing",
             given: [link("u1", "o1", #"{"channel":"web","n":1}"#)], when: [link("u1", "o1", #"{"n":1}"#)],
             then: .events([])),
        Case("linking an existing link with a changed attribute appends attributesChanged",
             given: [link("u1", "o1", #"{"channel":"web"}"#)], when: [link("u1", "o1", #"{"channel":"store"}"#)],
             then: .events([changed])),
        Case("an int and a double attribute are different values",
             given: [link("u1", "o1", #"{"n":1}"#)], when: [link("u1", "o1", #"{"n":1.5}"#)],
             then: .events([changed])),
        Case("linking a co_to_co pair appends relationship.linked",
             when: [#"{"op":"link",\#(contains),"parentExternalId":"o1","childExternalId":"li_1"}"#], then: .events([linked])),
        Case("linking again after an unlink appends relationship.linked",
             given: [link(), unlink()], when: [link()], then: .events([linked])),
        Case("unlinking a current link appends relationship.unlinked",
             given: [link()], when: [unlink()], then: .events([unlinked])),
        Case("unlinking a link that never existed is relationship_not_found",
             when: [unlink()], then: .rejected(.relationshipNotFound, index: 0)),
        Case("unlinking a link that was already unlinked is relationship_not_found",
             given: [link(), unlink()], when: [unlink()], then: .rejected(.relationshipNotFound, index: 0)),
        Case("unlinking twice in one commit fails on the second unlink",
             given: [link()], when: [unlink(), unlink()], then: .rejected(.relationshipNotFound, index: 1)),
        Case("unlinking the reversed pair is relationship_not_found",
             given: [link("u1", "o1")], when: [unlink("o1", "u1")], then: .rejected(.relationshipNotFound, index: 0)),
    ]

    static let attributeCases: [Case] = [
        Case("setting attributes on a missing link is relationship_not_found",
             when: [setAttributes(#"{"a":1}"#)], then: .rejected(.relationshipNotFound, index: 0)),
        Case("setting attributes on an unlinked link is relationship_not_found",
             given: [link(), unlink()], when: [setAttributes(#"{"a":1}"#)], then: .rejected(.relationshipNotFound, index: 0)),
        Case("setting a new attribute appends attributesChanged",
             given: [link()], when: [setAttributes(#"{"a":1}"#)], then: .events([changed])),
        Case("setting attributes to the values they have appends nothing",
             given: [link("u1", "o1", #"{"a":1,"b":"x"}"#)], when: [setAttributes(#"{"a":1,"b":"x"}"#)], then: .events([])),
        Case("unsetting a key the link does not have appends nothing",
             given: [link("u1", "o1", #"{"a":1}"#)], when: [setAttributes("{}", unset: #"["b"]"#)], then: .events([])),
        Case("unsetting a key the link has appends attributesChanged",
             given: [link("u1", "o1", #"{"a":1}"#)], when: [setAttributes("{}", unset: #"["a"]"#)], then: .events([changed])),
        Case("setting and unsetting the same key is invalid_field",
             given: [link("u1", "o1", #"{"a":1}"#)], when: [setAttributes(#"{"a":2}"#, unset: #"["a"]"#)],
             then: .rejected(.invalidField, index: 0)),
        Case("setting a null value is a change from a missing key",
             given: [link()], when: [setAttributes(#"{"a":null}"#)], then: .events([changed])),
    ]

    static let commitCases: [Case] = [
        Case("define, register and link in one commit: later operations see earlier ones",
             when: [
                 #"{"op":"defineObjectType","name":"account"}"#,
                 #"{"op":"registerRelationshipType","kind":"person_to_co","role":"owns","customObjectType":"account"}"#,
                 #"{"op":"link","relationshipType":{"kind":"person_to_co","role":"owns","customObjectType":"account"},"personExternalId":"u1","customObjectExternalId":"a1"}"#,
             ],
             then: .events([defined, registered, linked])),
        Case("link, set attributes and unlink in one commit",
             when: [link(), setAttributes(#"{"a":1}"#), unlink()], then: .events([linked, changed, unlinked])),
        Case("unlink and link again in one commit",
             given: [link()], when: [unlink(), link()], then: .events([unlinked, linked])),
        Case("linking twice in one commit appends one link",
             when: [link(), link()], then: .events([linked])),
        Case("a link before the type's registration in the same commit is rejected",
             when: [
                 #"{"op":"link","relationshipType":{"kind":"person_to_co","role":"owns","customObjectType":"order"},"personExternalId":"u1","customObjectExternalId":"o1"}"#,
                 #"{"op":"registerRelationshipType","kind":"person_to_co","role":"owns","customObjectType":"order"}"#,
             ],
             then: .rejected(.unknownRelationshipType, index: 0)),
        Case("one invalid operation in the middle rejects the commit and is named by index",
             when: [#"{"op":"defineObjectType","name":"account"}"#, unlink("nobody"), link()],
             then: .rejected(.relationshipNotFound, index: 1)),
        Case("an invalid last operation is named by its index",
             when: [link(), link("u2", "o2"), #"{"op":"defineObjectType","name":"x/y"}"#],
             then: .rejected(.invalidField, index: 2)),
    ]

    static let referenceCases: [Case] = [
        Case("linking by an unknown relationship type ID is unknown_relationship_type",
             when: [#"{"op":"link","relationshipTypeId":"rt_nope","personExternalId":"u1","customObjectExternalId":"o1"}"#],
             then: .rejected(.unknownRelationshipType, index: 0)),
        Case("linking by the key of an unregistered type is unknown_relationship_type",
             when: [#"{"op":"link","relationshipType":{"kind":"person_to_co","role":"returned","customObjectType":"order"},"personExternalId":"u1","customObjectExternalId":"o1"}"#],
             then: .rejected(.unknownRelationshipType, index: 0)),
        Case("a key naming an unknown object type is unknown_object_type",
             when: [#"{"op":"link","relationshipType":{"kind":"person_to_co","role":"placed","customObjectType":"ordr"},"personExternalId":"u1","customObjectExternalId":"o1"}"#],
             then: .rejected(.unknownObjectType, index: 0)),
        Case("parent and child fields do not fit a person_to_co type",
             when: [#"{"op":"link",\#(placed),"parentExternalId":"u1","childExternalId":"o1"}"#],
             then: .rejected(.invalidField, index: 0)),
        Case("person and object fields do not fit a co_to_co type",
             when: [#"{"op":"link",\#(contains),"personExternalId":"o1","customObjectExternalId":"li_1"}"#],
             then: .rejected(.invalidField, index: 0)),
        Case("unlinking with the wrong endpoint fields is invalid_field even when the link exists",
             given: [link()], when: [#"{"op":"unlink",\#(placed),"parentExternalId":"u1","childExternalId":"o1"}"#],
             then: .rejected(.invalidField, index: 0)),
    ]

    @Test("object type rules", arguments: objectTypeCases)
    func objectTypeRules(_ rule: Case) throws { try check(rule) }

    @Test("relationship type registration rules", arguments: registrationCases)
    func registrationRules(_ rule: Case) throws { try check(rule) }

    @Test("link and unlink rules", arguments: linkCases)
    func linkRules(_ rule: Case) throws { try check(rule) }

    @Test("attribute rules", arguments: attributeCases)
    func attributeRules(_ rule: Case) throws { try check(rule) }

    @Test("commit rules", arguments: commitCases)
    func commitRules(_ rule: Case) throws { try check(rule) }

    @Test("relationship type reference rules", arguments: referenceCases)
    func referenceRules(_ rule: Case) throws { try check(rule) }

    func check(_ rule: Case) throws {
        let ledger = MemoryLedger()
        try ledger.commit(lines: Self.base)
        for line in rule.given { try ledger.commit(lines: [line]) }
        let operations = try rule.when.map(Op.decode)
        switch rule.then {
        case .events(let names):
            let plan = try ledger.commit(operations)
            #expect(eventNames(plan) == names)
            #expect(plan.results.count == operations.count)
        case .rejected(let code, let index):
            let error = try rejection { () throws(LedgerError) in try ledger.commit(operations) }
            #expect(error.code == code, "\(error)")
            #expect(error.details["index"] == .int(Int64(index)), "\(error)")
        }
    }

    // MARK: - Object types

    @Test("defining an object type answers created true, then created false")
    func objectTypeResults() throws {
        let ledger = MemoryLedger()
        let first = try ledger.commit(Op.define("order", description: "A purchase"))
        #expect(first.results == [.objectType(ObjectType(name: "order", description: "A purchase"), created: true, changed: true)])
        let again = try ledger.commit(Op.define("order", description: "A purchase"))
        #expect(again.results == [.objectType(ObjectType(name: "order", description: "A purchase"), created: false, changed: false)])
        #expect(again.events.isEmpty)
    }

    @Test("redefining an object type with another description replaces the description")
    func redefiningReplacesTheDescription() throws {
        let ledger = MemoryLedger()
        try ledger.commit(Op.define("order", description: "A purchase"))
        let plan = try ledger.commit(Op.define("order", description: "An order"))
        #expect(plan.events == [.objectTypeDefined(ObjectType(name: "order", description: "An order"))])
        #expect(plan.results == [.objectType(ObjectType(name: "order", description: "An order"), created: false, changed: true)])
        #expect(try ledger.state.objectType(named: "order")?.description == "An order")
    }

    @Test("person is built in: types can use it without defining it, and defining it records nothing")
    func personIsBuiltIn() throws {
        let ledger = MemoryLedger()
        let plan = try ledger.commit(Op.define("person"), Op.define("order"), Op.register(Keys.placed),
                                     Op.link(Keys.placed, "u1", "o1"))
        #expect(eventNames(plan) == [Self.defined, Self.registered, Self.linked])
        #expect(plan.events.first == .objectTypeDefined(ObjectType(name: "order", description: nil)))
        #expect(plan.results.first == .objectType(ObjectType(name: "person", description: nil), created: false, changed: false))
        #expect(try ledger.state.objectTypeNames() == ["order"])
    }

    // MARK: - Relationship type upserts

    @Test("registering a type answers created true with one registered event holding every field")
    func registrationEvent() throws {
        let ledger = MemoryLedger()
        try ledger.commit(Op.define("order"))
        let plan = try ledger.commit(Op.register(Keys.placed, cardinality: .oneToMany, description: "Who bought it", bidirectional: true))
        let type = try ledger.type(Keys.placed)
        #expect(type.key == Keys.placed)
        #expect(type.cardinality == .oneToMany)
        #expect(type.description == "Who bought it")
        #expect(type.bidirectional)
        #expect(plan.events == [.relationshipTypeRegistered(type)])
        #expect(plan.results == [.relationshipType(type, created: true, changed: true)])
    }

    @Test("registering the same type again answers created false and appends nothing")
    func reRegistrationWithNothingNew() throws {
        let ledger = MemoryLedger()
        try ledger.commit(Op.define("order"), Op.register(Keys.placed, cardinality: .oneToMany, description: "d"))
        let type = try ledger.type(Keys.placed)
        for operation in [Op.register(Keys.placed), Op.register(Keys.placed, cardinality: .oneToMany),
                          Op.register(Keys.placed, cardinality: .oneToMany, description: "d", bidirectional: false)] {
            let plan = try ledger.commit(operation)
            #expect(plan.events.isEmpty)
            #expect(plan.results == [.relationshipType(type, created: false, changed: false)])
        }
    }

    struct UpdateCase: Sendable, CustomTestStringConvertible {
        let name: String
        let registration: Registration
        let change: RelationshipTypeChange
        /// Member names of the encoded event besides seq, type and relationshipTypeId.
        let fields: Set<String>
        var testDescription: String { name }
    }

    /// Each re-registers a type first registered as ONE_TO_MANY, "d1", not bidirectional.
    static let updateCases: [UpdateCase] = [
        UpdateCase(name: "a new cardinality only",
                   registration: Registration(key: Keys.placed, cardinality: .oneToOne, description: "d1", bidirectional: false),
                   change: RelationshipTypeChange(cardinality: .oneToOne), fields: ["cardinality"]),
        UpdateCase(name: "a new description only",
                   registration: Registration(key: Keys.placed, cardinality: .oneToMany, description: "d2"),
                   change: RelationshipTypeChange(description: "d2"), fields: ["description"]),
        UpdateCase(name: "bidirectional only",
                   registration: Registration(key: Keys.placed, bidirectional: true),
                   change: RelationshipTypeChange(bidirectional: true), fields: ["bidirectional"]),
        UpdateCase(name: "an inverse role only",
                   registration: Registration(key: Keys.placed, cardinality: .oneToMany, inverseRole: "placed_by"),
                   change: RelationshipTypeChange(inverseRole: "placed_by"), fields: ["inverseRole"]),
        UpdateCase(name: "cardinality and bidirectional, description unchanged",
                   registration: Registration(key: Keys.placed, cardinality: .manyToMany, description: "d1", bidirectional: true),
                   change: RelationshipTypeChange(cardinality: .manyToMany, bidirectional: true),
                   fields: ["cardinality", "bidirectional"]),
    ]

    @Test("an update carries only the fields that changed", arguments: updateCases)
    func updateCarriesOnlyChanges(_ update: UpdateCase) throws {
        let ledger = MemoryLedger()
        try ledger.commit(Op.define("order"), Op.register(Keys.placed, cardinality: .oneToMany, description: "d1"))
        let before = try ledger.type(Keys.placed)
        let plan = try ledger.commit(.registerRelationshipType(update.registration))
        #expect(plan.events == [.relationshipTypeUpdated(id: before.id, change: update.change)])
        let after = try ledger.type(Keys.placed)
        #expect(after == update.change.applied(to: before))
        #expect(after.id == before.id)
        #expect(plan.results == [.relationshipType(after, created: false, changed: true)])
        let encoded = try #require(EventCoding.jsonValue(plan.events[0], seq: 7).objectValue)
        #expect(Set(encoded.keys) == update.fields.union(["seq", "type", "relationshipTypeId"]))
        #expect(encoded["relationshipTypeId"] == .string(before.id))
    }

    @Test("optional fields omitted from a re-registration are preserved")
    func omittedFieldsArePreserved() throws {
        let ledger = MemoryLedger()
        try ledger.commit(Op.define("order"),
                          Op.register(Keys.placed, cardinality: .manyToOne, description: "d1", bidirectional: true))
        try ledger.commit(Op.register(Keys.placed, description: "d2"))
        let type = try ledger.type(Keys.placed)
        #expect(type.cardinality == .manyToOne)
        #expect(type.description == "d2")
        #expect(type.bidirectional)
        try ledger.commit(Op.register(Keys.placed, cardinality: .manyToMany))
        let again = try ledger.type(Keys.placed)
        #expect(again.cardinality == .manyToMany)
        #expect(again.description == "d2")
        #expect(again.bidirectional)
    }

    @Test("an inverse role is registered with the type, kept when omitted, and replaced by a new one")
    func inverseRoleUpsert() throws {
        let ledger = MemoryLedger()
        let plan = try ledger.commit(Op.define("order"), Op.register(Keys.placed, inverseRole: "placed_by"))
        let type = try ledger.type(Keys.placed)
        #expect(type.inverseRole == "placed_by")
        #expect(plan.results.last == .relationshipType(type, created: true, changed: true))
        let registered = try #require(EventCoding.jsonValue(plan.events[1], seq: 2).objectValue)
        #expect(registered["inverseRole"] == .string("placed_by"))

        let omitted = try ledger.commit(Op.register(Keys.placed, description: "d"))
        #expect(omitted.events == [.relationshipTypeUpdated(id: type.id, change: RelationshipTypeChange(description: "d"))])
        #expect(try ledger.type(Keys.placed).inverseRole == "placed_by")

        let renamed = try ledger.commit(Op.register(Keys.placed, inverseRole: "bought_by"))
        #expect(renamed.events == [.relationshipTypeUpdated(id: type.id, change: RelationshipTypeChange(inverseRole: "bought_by"))])
        #expect(try ledger.type(Keys.placed).inverseRole == "bought_by")
    }

    @Test("a type without an inverse role leaves it out of its event, and its label is the role from both sides")
    func noInverseRole() throws {
        let ledger = MemoryLedger()
        let plan = try ledger.commit(Op.define("order"), Op.register(Keys.placed))
        let type = try ledger.type(Keys.placed)
        #expect(type.inverseRole == nil)
        #expect(EventCoding.jsonValue(plan.events[1], seq: 2).objectValue?["inverseRole"] == nil)
        #expect(type.label(onToSide: false) == "placed" && type.label(onToSide: true) == "placed")
        var named = type
        named.inverseRole = "placed_by"
        #expect(named.label(onToSide: false) == "placed" && named.label(onToSide: true) == "placed_by")
    }

    @Test("relationship type IDs start with rt_ and use the ID alphabet")
    func idShape() throws {
        let ledger = try MemoryLedger.withTypes()
        for key in [Keys.placed, Keys.contains] {
            let id = try ledger.type(key).id
            #expect(id.hasPrefix("rt_"))
            #expect(id.utf8.count == 11)
            #expect(id.dropFirst(3).allSatisfy { "abcdefghijkmnpqrstuvwxyz23456789".contains($0) }, "\(id)")
        }
    }

    @Test("the same key gets the same ID in every ledger, regardless of optional fields and order")
    func idsAreDerivedFromTheKey() throws {
        let one = try MemoryLedger.withTypes()
        let two = MemoryLedger()
        try two.commit(Op.define("line_item"), Op.define("order"),
                       Op.register(Keys.contains, cardinality: .oneToMany, description: "other"),
                       Op.register(Keys.placed, bidirectional: true))
        #expect(try one.type(Keys.placed).id == two.type(Keys.placed).id)
        #expect(try one.type(Keys.contains).id == two.type(Keys.contains).id)
    }

    @Test("re-registration keeps the ID, and updates name it")
    func reRegistrationKeepsTheID() throws {
        let ledger = try MemoryLedger.withTypes()
        let id = try ledger.type(Keys.placed).id
        let plan = try ledger.commit(Op.register(Keys.placed, cardinality: .oneToMany, description: "d", bidirectional: true))
        #expect(try ledger.type(Keys.placed).id == id)
        #expect(try ledger.state.relationshipType(id: id)?.cardinality == .oneToMany)
        guard case .relationshipTypeUpdated(let updatedID, _)? = plan.events.first else {
            Issue.record("expected an update, got \(plan.events)")
            return
        }
        #expect(updatedID == id)
    }

    @Test("every part of the key changes the ID")
    func everyKeyPartChangesTheID() throws {
        let ledger = MemoryLedger()
        let keys: [RelationshipTypeKey] = [
            .personToCo(role: "placed", objectType: "order"),
            .personToCo(role: "returned", objectType: "order"),
            .personToCo(role: "placed", objectType: "cart"),
            .coToCo(role: "placed", parent: "cart", child: "order"),
            .coToCo(role: "placed", parent: "order", child: "cart"),
        ]
        try ledger.commit([Op.define("order"), Op.define("cart")] + keys.map { Op.register($0) })
        let ids = try keys.map { try ledger.type($0).id }
        #expect(Set(ids).count == keys.count, "\(ids)")
    }

    @Test("bidirectional is stored, and defaults to false")
    func bidirectionalIsStored() throws {
        let ledger = MemoryLedger()
        let owns = RelationshipTypeKey.personToCo(role: "owns", objectType: "order")
        let plan = try ledger.commit(Op.define("order"), Op.register(Keys.placed, bidirectional: true), Op.register(owns))
        #expect(try ledger.type(Keys.placed).bidirectional)
        #expect(try !ledger.type(owns).bidirectional)
        let encoded = EventCoding.jsonValue(plan.events[1], seq: 2).objectValue
        #expect(encoded?["bidirectional"] == .bool(true))
        #expect(EventCoding.jsonValue(plan.events[2], seq: 3).objectValue?["bidirectional"] == .bool(false))
    }

    // MARK: - Links and attributes

    @Test("a link answers created true, a repeated link created false")
    func linkResults() throws {
        let ledger = try MemoryLedger.withTypes()
        let key = Op.linkKey(try ledger.type(Keys.placed), "u1", "o1")
        let first = try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["channel": .string("web")]))
        #expect(first.events == [.linked(key, attributes: ["channel": .string("web")])])
        #expect(first.results == [.link(key, created: true, changed: true)])
        let again = try ledger.commit(Op.link(Keys.placed, "u1", "o1"))
        #expect(again.events.isEmpty)
        #expect(again.results == [.link(key, created: false, changed: false)])
        #expect(try ledger.attributes(key) == ["channel": .string("web")])
    }

    @Test("re-linking with changed attributes records only the changed keys")
    func reLinkRecordsOnlyChangedKeys() throws {
        let ledger = try MemoryLedger.withTypes()
        let key = Op.linkKey(try ledger.type(Keys.placed), "u1", "o1")
        try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["a": .int(1), "b": .int(2), "c": .string("x")]))
        let plan = try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["a": .int(1), "b": .int(3), "d": .bool(true)]))
        #expect(plan.events == [.attributesChanged(key, set: ["b": .int(3), "d": .bool(true)], unset: [])])
        #expect(plan.results == [.link(key, created: false, changed: true)])
        #expect(try ledger.attributes(key) == ["a": .int(1), "b": .int(3), "c": .string("x"), "d": .bool(true)])
    }

    @Test("setAttributes records only effective changes and answers changed accordingly")
    func setAttributesRecordsOnlyEffectiveChanges() throws {
        let ledger = try MemoryLedger.withTypes()
        let key = Op.linkKey(try ledger.type(Keys.placed), "u1", "o1")
        try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["a": .int(1), "b": .int(2), "c": .null]))
        let plan = try ledger.commit(Op.setAttributes(Keys.placed, "u1", "o1", set: ["a": .int(1), "b": .string("2")], unset: ["c", "missing", "c"]))
        #expect(plan.events == [.attributesChanged(key, set: ["b": .string("2")], unset: ["c"])])
        #expect(plan.results == [.attributes(key, changed: true)])
        #expect(try ledger.attributes(key) == ["a": .int(1), "b": .string("2")])
        let noop = try ledger.commit(Op.setAttributes(Keys.placed, "u1", "o1", set: ["a": .int(1)], unset: ["c"]))
        #expect(noop.events.isEmpty)
        #expect(noop.results == [.attributes(key, changed: false)])
    }

    @Test("setting and unsetting the same key names the unset field")
    func setAndUnsetSameKey() throws {
        let ledger = try MemoryLedger.withTypes()
        try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["a": .int(1)]))
        let error = try rejection { () throws(LedgerError) in
            try ledger.commit(Op.setAttributes(Keys.placed, "u1", "o1", set: ["a": .int(2)], unset: ["a"]))
        }
        #expect(error.code == .invalidField)
        #expect(error.details["field"] == .string("unset"))
    }

    @Test("relationship_not_found names the missing link")
    func notFoundNamesTheLink() throws {
        let ledger = try MemoryLedger.withTypes()
        let key = Op.linkKey(try ledger.type(Keys.placed), "u1", "o1")
        for operation in [Op.unlink(Keys.placed, "u1", "o1"), Op.setAttributes(Keys.placed, "u1", "o1", set: ["a": .int(1)])] {
            let error = try rejection { () throws(LedgerError) in try ledger.commit(operation) }
            #expect(error.code == .relationshipNotFound)
            #expect(error.details["relationship"] == linkJSON(key))
            #expect(error.details["index"] == .int(0))
        }
    }

    @Test("unlinking removes the link and its attributes; a new link starts empty")
    func unlinkRemovesAttributes() throws {
        let ledger = try MemoryLedger.withTypes()
        let key = Op.linkKey(try ledger.type(Keys.placed), "u1", "o1")
        try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["a": .int(1)]))
        let plan = try ledger.commit(Op.unlink(Keys.placed, "u1", "o1"))
        #expect(plan.events == [.unlinked(key)])
        #expect(plan.results == [.unlink(key)])
        #expect(try ledger.attributes(key) == nil)
        try ledger.commit(Op.link(Keys.placed, "u1", "o1"))
        #expect(try ledger.attributes(key) == [:])
    }

    @Test("a type referenced by ID and by key names the same link")
    func referenceByIDOrKey() throws {
        let ledger = try MemoryLedger.withTypes()
        let type = try ledger.type(Keys.contains)
        try ledger.commit(Op.link(Keys.contains, "o1", "li_1"))
        let byID = LinkRequest(type: .id(type.id), fromID: "o1", toID: "li_1", style: .parentAndChild)
        let plan = try ledger.commit(.setAttributes(byID, set: ["qty": .int(2)], unset: []),
                                     .link(byID, attributes: [:]))
        let key = Op.linkKey(type, "o1", "li_1")
        #expect(plan.events == [.attributesChanged(key, set: ["qty": .int(2)], unset: [])])
        #expect(key.from == RecordRef(type: "order", id: "o1"))
        #expect(key.to == RecordRef(type: "line_item", id: "li_1"))
        #expect(try ledger.attributes(key) == ["qty": .int(2)])
        try ledger.commit(.unlink(byID))
        #expect(try ledger.attributes(key) == nil)
    }

    @Test("the CLI's TYPE:ID endpoint style fits both kinds")
    func recordsStyleFitsBothKinds() throws {
        let ledger = try MemoryLedger.withTypes()
        let plan = try ledger.commit(
            .link(LinkRequest(type: .key(Keys.placed), fromID: "u1", toID: "o1", style: .records), attributes: [:]),
            .link(LinkRequest(type: .key(Keys.contains), fromID: "o1", toID: "li_1", style: .records), attributes: [:]))
        #expect(eventNames(plan) == [Self.linked, Self.linked])
    }

    @Test("an unknown relationship type ID is reported with the ID")
    func unknownIDDetails() throws {
        let ledger = try MemoryLedger.withTypes()
        let request = LinkRequest(type: .id("rt_zzzzzzzz"), fromID: "u1", toID: "o1", style: .personAndObject)
        let error = try rejection { () throws(LedgerError) in try ledger.commit(.link(request, attributes: [:])) }
        #expect(error.code == .unknownRelationshipType)
        #expect(error.details["relationshipTypeId"] == .string("rt_zzzzzzzz"))
    }

    struct EndpointCase: Sendable, CustomTestStringConvertible {
        let kind: RelationshipKind
        let style: EndpointStyle
        let field: String
        var testDescription: String { "\(kind.rawValue) with \(style)" }
    }

    @Test("endpoint fields must match the type's kind", arguments: [
        EndpointCase(kind: .personToCo, style: .parentAndChild, field: "parentExternalId"),
        EndpointCase(kind: .coToCo, style: .personAndObject, field: "personExternalId"),
    ])
    func endpointFieldsMustMatchTheKind(_ endpoint: EndpointCase) throws {
        let ledger = try MemoryLedger.withTypes()
        let key = endpoint.kind == .personToCo ? Keys.placed : Keys.contains
        let id = try ledger.type(key).id
        for reference in [RelationshipTypeReference.id(id), .key(key)] {
            let request = LinkRequest(type: reference, fromID: "a", toID: "b", style: endpoint.style)
            for operation in [Operation.link(request, attributes: [:]), .unlink(request),
                              .setAttributes(request, set: ["x": .int(1)], unset: [])] {
                let error = try rejection { () throws(LedgerError) in try ledger.commit(operation) }
                #expect(error.code == .invalidField)
                #expect(error.details["field"] == .string(endpoint.field))
            }
        }
    }

    @Test("record IDs may hold any characters", arguments: [
        "eu:17", "a/b/c", "with space", "🦊 fox", ":", "/", " ", "ü:/🙂 x", #"quote " and \ backslash"#,
    ])
    func oddRecordIDs(_ id: String) throws {
        let ledger = try MemoryLedger.withTypes()
        let placed = try ledger.type(Keys.placed)
        let contains = try ledger.type(Keys.contains)
        try ledger.commit(Op.link(Keys.placed, id, id, ["id": .string(id)]), Op.link(Keys.contains, id, id))
        let personLink = Op.linkKey(placed, id, id)
        #expect(try ledger.attributes(personLink) == ["id": .string(id)])
        #expect(try ledger.attributes(Op.linkKey(contains, id, id)) == [:])
        #expect(RecordRef(parsing: personLink.to.description) == RecordRef(type: "order", id: id))
        #expect(try ledger.state.partners(typeId: placed.id, of: personLink.to, on: .to, limit: 5) == [personLink.from])
        try ledger.commit(Op.unlink(Keys.placed, id, id))
        #expect(try ledger.attributes(personLink) == nil)
    }

    // MARK: - Atomic commits

    @Test("a rejected commit applies nothing, not even its valid operations")
    func rejectedCommitAppliesNothing() throws {
        let ledger = try MemoryLedger.withTypes()
        let key = Op.linkKey(try ledger.type(Keys.placed), "u1", "o1")
        let operations = [
            Op.define("account"), Op.link(Keys.placed, "u1", "o1"),
            Op.register(Keys.placed, cardinality: .oneToOne), Op.unlink(Keys.placed, "u9", "o9"),
        ]
        let error = try rejection { () throws(LedgerError) in try Decider.plan(operations, against: ledger.state) }
        #expect(error.code == .relationshipNotFound)
        #expect(error.details["index"] == .int(3))
        #expect(try ledger.state.objectType(named: "account") == nil)
        #expect(try ledger.attributes(key) == nil)
        #expect(try ledger.type(Keys.placed).cardinality == nil)
        // Without the bad operation the same commit is accepted.
        let plan = try ledger.commit(Array(operations.dropLast()))
        #expect(eventNames(plan) == [Self.defined, Self.linked, Self.updated])
    }

    @Test("planning reads the state but never writes it")
    func planningDoesNotWrite() throws {
        let ledger = try MemoryLedger.withTypes()
        let key = Op.linkKey(try ledger.type(Keys.placed), "u1", "o1")
        let plan = try Decider.plan([Op.define("account"), Op.link(Keys.placed, "u1", "o1")], against: ledger.state)
        #expect(plan.events.count == 2)
        #expect(try ledger.state.objectType(named: "account") == nil)
        #expect(try ledger.attributes(key) == nil)
        // Planning the same commit again gives the same plan.
        #expect(try Decider.plan([Op.define("account"), Op.link(Keys.placed, "u1", "o1")], against: ledger.state) == plan)
    }

    @Test("an empty commit plans no events")
    func emptyCommit() throws {
        let plan = try Decider.plan([], against: EmptyLedgerState())
        #expect(plan.events.isEmpty)
        #expect(plan.results.isEmpty)
    }
}
