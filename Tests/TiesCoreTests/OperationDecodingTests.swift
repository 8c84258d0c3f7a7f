import Testing
@testable import TiesCore
import TiesTestSupport

/// Operation objects (TiesCore.docc/Operations.md): what decodes to what, and what is refused.
struct OperationDecodingTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        let line: String
        let expected: Operation
        var testDescription: String { line }
    }

    static let rt = RelationshipTypeReference.id("rt_2hk9")
    static let personToOrder = LinkRequest(type: rt, fromID: "user_123", toID: "ord_998", style: .personAndObject)

    /// The example lines of TiesCore.docc/Operations.md, verbatim.
    static let specExamples: [Valid] = [
        Valid(line: #"{"op":"defineObjectType","name":"order","description":"A purchase"}"#,
              expected: .defineObjectType(ObjectTypeDefinition(name: "order", description: "A purchase"))),
        Valid(line: #"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order","cardinality":"ONE_TO_MANY"}"#,
              expected: .registerRelationshipType(Registration(key: .personToCo(role: "placed", objectType: "order"), cardinality: .oneToMany))),
        Valid(line: #"{"op":"link","relationshipTypeId":"rt_2hk9","personExternalId":"user_123","customObjectExternalId":"ord_998","attributes":{"channel":"web"}}"#,
              expected: .link(personToOrder, attributes: ["channel": .string("web")])),
        Valid(line: #"{"op":"link","relationshipType":{"kind":"co_to_co","role":"contains","parentCustomObjectType":"order","childCustomObjectType":"line_item"},"parentExternalId":"ord_998","childExternalId":"li_1"}"#,
              expected: .link(LinkRequest(type: .key(.coToCo(role: "contains", parent: "order", child: "line_item")),
                                          fromID: "ord_998", toID: "li_1", style: .parentAndChild), attributes: [:])),
        Valid(line: #"{"op":"setAttributes","relationshipTypeId":"rt_2hk9","personExternalId":"user_123","customObjectExternalId":"ord_998","set":{"status":"returned"},"unset":["channel"]}"#,
              expected: .setAttributes(personToOrder, set: ["status": .string("returned")], unset: ["channel"])),
        Valid(line: #"{"op":"unlink","relationshipTypeId":"rt_2hk9","personExternalId":"user_123","customObjectExternalId":"ord_998"}"#,
              expected: .unlink(personToOrder)),
    ]

    static let otherValid: [Valid] = [
        Valid(line: #"{"op":"defineObjectType","name":"order"}"#,
              expected: .defineObjectType(ObjectTypeDefinition(name: "order"))),
        Valid(line: #"{"name":"order","op":"defineObjectType"}"#,
              expected: .defineObjectType(ObjectTypeDefinition(name: "order"))),
        Valid(line: #"{"op":"registerRelationshipType","kind":"co_to_co","role":"contains","parentCustomObjectType":"order","childCustomObjectType":"line_item","cardinality":"MANY_TO_MANY","description":"d","bidirectional":true}"#,
              expected: .registerRelationshipType(Registration(key: .coToCo(role: "contains", parent: "order", child: "line_item"),
                                                               cardinality: .manyToMany, description: "d", bidirectional: true))),
        Valid(line: #"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order","bidirectional":false}"#,
              expected: .registerRelationshipType(Registration(key: .personToCo(role: "placed", objectType: "order"), bidirectional: false))),
        Valid(line: #"{"op":"registerRelationshipType","kind":"person_to_co","role":"placed","customObjectType":"order","inverseRole":"placed_by"}"#,
              expected: .registerRelationshipType(Registration(key: .personToCo(role: "placed", objectType: "order"), inverseRole: "placed_by"))),
        Valid(line: #"{"op":"link","relationshipType":{"kind":"person_to_co","role":"placed","customObjectType":"order"},"personExternalId":"a:b/c d","customObjectExternalId":"🦊"}"#,
              expected: .link(LinkRequest(type: .key(.personToCo(role: "placed", objectType: "order")), fromID: "a:b/c d", toID: "🦊",
                                          style: .personAndObject), attributes: [:])),
        Valid(line: #"{"op":"link","relationshipTypeId":"rt_x","parentExternalId":"p","childExternalId":"c","attributes":{"n":1,"f":1.5,"b":false,"z":null,"s":"\u00e9"}}"#,
              expected: .link(LinkRequest(type: .id("rt_x"), fromID: "p", toID: "c", style: .parentAndChild),
                              attributes: ["n": .int(1), "f": .double(1.5), "b": .bool(false), "z": .null, "s": .string("é")])),
        Valid(line: #"{"op":"setAttributes","relationshipTypeId":"rt_x","personExternalId":"u","customObjectExternalId":"o"}"#,
              expected: .setAttributes(LinkRequest(type: .id("rt_x"), fromID: "u", toID: "o", style: .personAndObject), set: [:], unset: [])),
    ]

    @Test("every example operation line decodes", arguments: specExamples)
    func specExample(_ valid: Valid) throws {
        #expect(try Op.decode(valid.line) == valid.expected)
    }

    @Test("other valid operation lines decode", arguments: otherValid)
    func otherValidLines(_ valid: Valid) throws {
        #expect(try Op.decode(valid.line) == valid.expected)
    }

    @Test("every cardinality decodes", arguments: Cardinality.allCases)
    func everyCardinality(_ cardinality: Cardinality) throws {
        let line = #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","cardinality":"\#(cardinality.rawValue)"}"#
        #expect(try Op.decode(line) == Op.register(.personToCo(role: "r", objectType: "order"), cardinality: cardinality))
    }

    @Test("the example operation lines commit in order once rt_2hk9 is the real ID")
    func specExamplesCommit() throws {
        let ledger = MemoryLedger()
        try ledger.commit(Op.define("line_item"))
        try ledger.commit(lines: [Self.specExamples[0].line, Self.specExamples[1].line])
        let id = try ledger.type(.personToCo(role: "placed", objectType: "order")).id
        try ledger.commit(Op.register(.coToCo(role: "contains", parent: "order", child: "line_item")))
        var names: [String] = []
        for example in Self.specExamples.dropFirst(2) {
            let plan = try ledger.commit(lines: [example.line.replacing("rt_2hk9", with: id)])
            names += eventNames(plan)
        }
        #expect(names == ["relationship.linked", "relationship.linked", "relationship.attributesChanged", "relationship.unlinked"])
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let why: String
        let line: String
        let code: LedgerError.Code
        /// The field the error names, when it names one.
        let field: String?
        var testDescription: String { why }

        init(_ why: String, _ line: String, _ code: LedgerError.Code = .invalidField, field: String? = nil) {
            self.why = why
            self.line = line
            self.code = code
            self.field = field
        }
    }

    static let invalid: [Invalid] = [
        Invalid("an unknown op", #"{"op":"dropTable","name":"order"}"#, field: "op"),
        Invalid("an op in the wrong case", #"{"op":"DefineObjectType","name":"order"}"#, field: "op"),
        Invalid("no op", #"{"name":"order"}"#, field: "op"),
        Invalid("an op that is not a string", #"{"op":1}"#, field: "op"),
        Invalid("not an object", #"["op","defineObjectType"]"#),
        Invalid("a string, not an object", #""defineObjectType""#),
        Invalid("an unknown field", #"{"op":"defineObjectType","name":"order","descriptoin":"typo"}"#, field: "descriptoin"),
        Invalid("an unknown field on register", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","unique":true}"#, field: "unique"),
        Invalid("attributes on unlink", #"{"op":"unlink","relationshipTypeId":"rt_x","personExternalId":"u","customObjectExternalId":"o","attributes":{}}"#, field: "attributes"),
        Invalid("set on link", #"{"op":"link","relationshipTypeId":"rt_x","personExternalId":"u","customObjectExternalId":"o","set":{}}"#, field: "set"),
        Invalid("an unknown field in a relationshipType object", #"{"op":"unlink","relationshipType":{"kind":"person_to_co","role":"r","customObjectType":"order","cardinality":"ONE_TO_ONE"},"personExternalId":"u","customObjectExternalId":"o"}"#, field: "cardinality"),
        Invalid("a name that is a number", #"{"op":"defineObjectType","name":1}"#, field: "name"),
        Invalid("a missing name", #"{"op":"defineObjectType"}"#, field: "name"),
        Invalid("a description that is a bool", #"{"op":"defineObjectType","name":"order","description":true}"#, field: "description"),
        Invalid("bidirectional as a string", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","bidirectional":"yes"}"#, field: "bidirectional"),
        Invalid("inverseRole as a number", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","inverseRole":1}"#, field: "inverseRole"),
        Invalid("bidirectional as a number", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","bidirectional":1}"#, field: "bidirectional"),
        Invalid("a role that is an array", #"{"op":"registerRelationshipType","kind":"person_to_co","role":["r"],"customObjectType":"order"}"#, field: "role"),
        Invalid("an unknown kind", #"{"op":"registerRelationshipType","kind":"person_to_person","role":"r","customObjectType":"order"}"#, field: "kind"),
        Invalid("a missing kind", #"{"op":"registerRelationshipType","role":"r","customObjectType":"order"}"#, field: "kind"),
        Invalid("a missing customObjectType", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r"}"#, field: "customObjectType"),
        Invalid("a missing childCustomObjectType", #"{"op":"registerRelationshipType","kind":"co_to_co","role":"r","parentCustomObjectType":"order"}"#, field: "childCustomObjectType"),
        Invalid("co_to_co fields on person_to_co", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","parentCustomObjectType":"order"}"#, field: "parentCustomObjectType"),
        Invalid("person_to_co fields on co_to_co", #"{"op":"registerRelationshipType","kind":"co_to_co","role":"r","customObjectType":"order","parentCustomObjectType":"a","childCustomObjectType":"b"}"#, field: "customObjectType"),
        Invalid("a cardinality in lower case", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","cardinality":"one_to_many"}"#, .invalidCardinality, field: "cardinality"),
        Invalid("a cardinality with dashes", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","cardinality":"ONE-TO-MANY"}"#, .invalidCardinality, field: "cardinality"),
        Invalid("an unknown cardinality", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","cardinality":"MANY_TO_FEW"}"#, .invalidCardinality, field: "cardinality"),
        Invalid("an empty cardinality", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","cardinality":""}"#, .invalidCardinality, field: "cardinality"),
        Invalid("a padded cardinality", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","cardinality":" ONE_TO_ONE"}"#, .invalidCardinality, field: "cardinality"),
        Invalid("a cardinality that is not a string", #"{"op":"registerRelationshipType","kind":"person_to_co","role":"r","customObjectType":"order","cardinality":1}"#, field: "cardinality"),
        Invalid("a relationshipTypeId that is a number", #"{"op":"unlink","relationshipTypeId":7,"personExternalId":"u","customObjectExternalId":"o"}"#, field: "relationshipTypeId"),
        Invalid("a relationshipType that is a string", #"{"op":"unlink","relationshipType":"placed/order","personExternalId":"u","customObjectExternalId":"o"}"#, field: "relationshipType"),
        Invalid("both relationshipTypeId and relationshipType", #"{"op":"unlink","relationshipTypeId":"rt_x","relationshipType":{"kind":"person_to_co","role":"r","customObjectType":"order"},"personExternalId":"u","customObjectExternalId":"o"}"#, field: "relationshipType"),
        Invalid("no relationship type", #"{"op":"unlink","personExternalId":"u","customObjectExternalId":"o"}"#, field: "relationshipTypeId"),
        Invalid("a person ID that is a number", #"{"op":"unlink","relationshipTypeId":"rt_x","personExternalId":123,"customObjectExternalId":"o"}"#, field: "personExternalId"),
        Invalid("a missing object ID", #"{"op":"unlink","relationshipTypeId":"rt_x","personExternalId":"u"}"#),
        Invalid("mixed endpoint fields", #"{"op":"unlink","relationshipTypeId":"rt_x","personExternalId":"u","childExternalId":"o"}"#),
        Invalid("all four endpoint fields", #"{"op":"unlink","relationshipTypeId":"rt_x","personExternalId":"u","customObjectExternalId":"o","parentExternalId":"p","childExternalId":"c"}"#),
        Invalid("attributes that are an array", #"{"op":"link","relationshipTypeId":"rt_x","personExternalId":"u","customObjectExternalId":"o","attributes":[["a",1]]}"#, field: "attributes"),
        Invalid("set that is a string", #"{"op":"setAttributes","relationshipTypeId":"rt_x","personExternalId":"u","customObjectExternalId":"o","set":"a=1"}"#, field: "set"),
        Invalid("unset that is a string", #"{"op":"setAttributes","relationshipTypeId":"rt_x","personExternalId":"u","customObjectExternalId":"o","unset":"a"}"#, field: "unset"),
        Invalid("unset holding a number", #"{"op":"setAttributes","relationshipTypeId":"rt_x","personExternalId":"u","customObjectExternalId":"o","unset":["a",1]}"#, field: "unset"),
    ]

    @Test("malformed operations are refused", arguments: invalid)
    func malformed(_ invalid: Invalid) throws {
        let error = try rejection(untyped: { try Op.decode(invalid.line) })
        #expect(error.code == invalid.code, "\(error)")
        if let field = invalid.field {
            #expect(error.details["field"] == .string(field), "\(error)")
        }
    }

    @Test("decoding with an implied op (HTTP endpoints) refuses an unknown op name")
    func impliedOp() throws {
        let fields = try FieldReader(JSONParser.parse(#"{"name":"order"}"#), context: "request", failure: .invalidField)
        #expect(try OperationDecoding.decode(op: "defineObjectType", fields: fields) == Op.define("order"))
        let error = try rejection { () throws(LedgerError) in try OperationDecoding.decode(op: "define", fields: fields) }
        #expect(error.code == .invalidField)
    }
}
