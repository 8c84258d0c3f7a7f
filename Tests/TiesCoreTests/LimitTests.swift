import Testing
@testable import TiesCore
import TiesTestSupport

/// the field limits (TiesCore.docc/Limits.md), each on both sides: exactly at the limit passes,
/// one over fails with `invalid_field`.
struct LimitTests {
    static func text(_ unit: String, _ count: Int) -> String {
        String(repeating: unit, count: count)
    }

    /// One field limit: an operation built from a value, the value at the
    /// limit and the value one over.
    struct Limit: Sendable, CustomTestStringConvertible {
        let name: String
        let atLimit: String
        let overLimit: String
        let operation: @Sendable (String) -> Operation
        var testDescription: String { name }
    }

    static let limits: [Limit] = [
        Limit(name: "object type names: 255 characters",
              atLimit: text("a", 255), overLimit: text("a", 256)) { Op.define($0) },
        Limit(name: "object type names count characters, not bytes",
              atLimit: text("é", 255), overLimit: text("é", 256)) { Op.define($0) },
        Limit(name: "object type descriptions: 1000 characters",
              atLimit: text("d", 1000), overLimit: text("d", 1001)) { Op.define("account", description: $0) },
        Limit(name: "object type descriptions count characters, not bytes",
              atLimit: text("€", 1000), overLimit: text("€", 1001)) { Op.define("account", description: $0) },
        Limit(name: "roles: 255 characters",
              atLimit: text("r", 255), overLimit: text("r", 256)) {
                  Op.register(.personToCo(role: $0, objectType: "order"))
              },
        Limit(name: "relationship type descriptions: 1000 characters",
              atLimit: text("d", 1000), overLimit: text("d", 1001)) { Op.register(Keys.placed, description: $0) },
        Limit(name: "attribute keys: 255 characters",
              atLimit: text("k", 255), overLimit: text("k", 256)) { Op.link(Keys.placed, "u1", "o1", [$0: .int(1)]) },
        Limit(name: "attribute keys in set: 255 characters",
              atLimit: text("k", 255), overLimit: text("k", 256)) { Op.setAttributes(Keys.placed, "u0", "o0", set: [$0: .int(1)]) },
        Limit(name: "attribute keys in unset: 255 characters",
              atLimit: text("k", 255), overLimit: text("k", 256)) { Op.setAttributes(Keys.placed, "u0", "o0", unset: [$0]) },
        Limit(name: "attribute string values: 4096 bytes",
              atLimit: text("v", 4096), overLimit: text("v", 4097)) { Op.link(Keys.placed, "u1", "o1", ["k": .string($0)]) },
        Limit(name: "attribute string values count bytes: 2048 two-byte characters pass, 2049 fail",
              atLimit: text("é", 2048), overLimit: text("é", 2049)) { Op.link(Keys.placed, "u1", "o1", ["k": .string($0)]) },
        Limit(name: "attribute string values count bytes: 1024 four-byte emoji pass, 1024 plus one byte fails",
              atLimit: text("🦊", 1024), overLimit: text("🦊", 1024) + "x") { Op.setAttributes(Keys.placed, "u0", "o0", set: ["k": .string($0)]) },
        Limit(name: "person record IDs: 255 bytes",
              atLimit: text("p", 255), overLimit: text("p", 256)) { Op.link(Keys.placed, $0, "o1") },
        Limit(name: "custom object record IDs: 255 bytes",
              atLimit: text("o", 255), overLimit: text("o", 256)) { Op.link(Keys.placed, "u1", $0) },
        Limit(name: "record IDs count bytes: 85 three-byte characters pass, 86 fail",
              atLimit: text("€", 85), overLimit: text("€", 86)) { Op.link(Keys.placed, "u1", $0) },
        Limit(name: "parent record IDs: 255 bytes",
              atLimit: text("p", 255), overLimit: text("p", 256)) { Op.link(Keys.contains, $0, "li_1") },
        Limit(name: "child record IDs: 255 bytes (emoji)",
              atLimit: text("🦊", 63) + "abc", overLimit: text("🦊", 64)) { Op.link(Keys.contains, "o1", $0) },
        Limit(name: "record IDs of unlink: 255 bytes",
              atLimit: text("u", 255), overLimit: text("u", 256)) {
                  .unlink(LinkRequest(type: .key(Keys.placed), fromID: $0, toID: "o0", style: .personAndObject))
              },
    ]

    /// A ledger with the base types and one link `u0 → o0` to change.
    static func ledger() throws -> MemoryLedger {
        let ledger = try MemoryLedger.withTypes()
        try ledger.commit(Op.link(Keys.placed, "u0", "o0"))
        return ledger
    }

    @Test("a value exactly at the limit is accepted", arguments: limits)
    func atTheLimit(_ limit: Limit) throws {
        let ledger = try Self.ledger()
        if limit.name.contains("unlink") {
            // Unlink needs the link to exist: a not-found answer shows the ID passed validation.
            let error = try rejection { () throws(LedgerError) in try ledger.commit(limit.operation(limit.atLimit)) }
            #expect(error.code == .relationshipNotFound)
        } else {
            let plan = try ledger.commit(limit.operation(limit.atLimit))
            #expect(plan.results.count == 1)
        }
    }

    @Test("a value one over the limit is invalid_field", arguments: limits)
    func overTheLimit(_ limit: Limit) throws {
        let ledger = try Self.ledger()
        let error = try rejection { () throws(LedgerError) in try ledger.commit(limit.operation(limit.overLimit)) }
        #expect(error.code == .invalidField, "\(error)")
        #expect(error.details["index"] == .int(0))
        #expect(error.details["field"] != nil)
    }

    @Test("a long value is rejected without being echoed in the message")
    func longValuesAreNotEchoed() throws {
        let ledger = try Self.ledger()
        let secret = Self.text("s", 4097)
        let error = try rejection { () throws(LedgerError) in try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["k": .string(secret)])) }
        #expect(!error.message.contains("sss"))
    }

    // MARK: - Attribute counts

    @Test("a link may carry 100 attributes, not 101")
    func attributesPerLink() throws {
        let ledger = try Self.ledger()
        try ledger.commit(Op.link(Keys.placed, "u1", "o1", Op.attributes(count: 100)))
        let error = try rejection { () throws(LedgerError) in
            try ledger.commit(Op.link(Keys.placed, "u2", "o2", Op.attributes(count: 101)))
        }
        #expect(error.code == .invalidField)
    }

    @Test("setAttributes may not carry more than 100 attributes")
    func setCarriesAtMost100() throws {
        let ledger = try Self.ledger()
        try ledger.commit(Op.setAttributes(Keys.placed, "u0", "o0", set: Op.attributes(count: 100)))
        let error = try rejection { () throws(LedgerError) in
            try ledger.commit(Op.setAttributes(Keys.placed, "u0", "o0", set: Op.attributes(count: 101)))
        }
        #expect(error.code == .invalidField)
    }

    @Test("setAttributes may fill a link up to 100 attributes, not past it")
    func setAttributesAfterMerge() throws {
        let ledger = try Self.ledger()
        let type = try ledger.type(Keys.placed)
        let key = Op.linkKey(type, "u1", "o1")
        try ledger.commit(Op.link(Keys.placed, "u1", "o1", Op.attributes(count: 60, prefix: "a")))
        try ledger.commit(Op.setAttributes(Keys.placed, "u1", "o1", set: Op.attributes(count: 40, prefix: "b")))
        #expect(try ledger.attributes(key)?.count == 100)
        let error = try rejection { () throws(LedgerError) in
            try ledger.commit(Op.setAttributes(Keys.placed, "u1", "o1", set: ["one-more": .int(1)]))
        }
        #expect(error.code == .invalidField)
        #expect(error.details["field"] == .string("attributes"))
        #expect(try ledger.attributes(key)?.count == 100)
        // Overwriting an existing key, or replacing one with another, keeps 100.
        try ledger.commit(Op.setAttributes(Keys.placed, "u1", "o1", set: ["a0": .string("new")]))
        try ledger.commit(Op.setAttributes(Keys.placed, "u1", "o1", set: ["one-more": .int(1)], unset: ["a1"]))
        #expect(try ledger.attributes(key)?.count == 100)
        #expect(try ledger.attributes(key)?["one-more"] == .int(1))
    }

    @Test("re-linking may not merge a link past 100 attributes")
    func reLinkAfterMerge() throws {
        let ledger = try Self.ledger()
        try ledger.commit(Op.link(Keys.placed, "u1", "o1", Op.attributes(count: 99, prefix: "a")))
        try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["b": .int(1)]))
        let error = try rejection { () throws(LedgerError) in
            try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["c": .int(1)]))
        }
        #expect(error.code == .invalidField)
        #expect(try ledger.attributes(Op.linkKey(try ledger.type(Keys.placed), "u1", "o1"))?.count == 100)
    }

    // MARK: - Events per commit

    /// A commit of `count` events: `count` links of the same type.
    static func links(_ count: Int) -> [Operation] {
        (0..<count).map { Op.link(Keys.placed, "u\($0)", "o") }
    }

    @Test("a commit of 10,000 events is accepted")
    func tenThousandEvents() throws {
        let ledger = try MemoryLedger.withTypes()
        let plan = try ledger.commit(Self.links(10_000))
        #expect(plan.events.count == 10_000)
    }

    @Test("a commit of 10,001 events is invalid_field, and nothing is applied")
    func tenThousandAndOneEvents() throws {
        let ledger = try MemoryLedger.withTypes()
        let error = try rejection { () throws(LedgerError) in try ledger.commit(Self.links(10_001)) }
        #expect(error.code == .invalidField)
        let type = try ledger.type(Keys.placed)
        #expect(try ledger.attributes(Op.linkKey(type, "u0", "o")) == nil)
    }

    @Test("the event limit counts events, not operations: no-ops do not count against it")
    func noOpsDoNotCount() throws {
        let ledger = try MemoryLedger.withTypes()
        try ledger.commit(Op.link(Keys.placed, "u0", "o"))
        // 1 no-op re-link and 9,999 new links.
        let plan = try ledger.commit(Self.links(10_000))
        #expect(plan.events.count == 9_999)
    }

    // MARK: - Empty strings and values

    static let emptyFields: [(String, Operation)] = [
        ("object type name", Op.define("")),
        ("object type description", Op.define("account", description: "")),
        ("role", Op.register(.personToCo(role: "", objectType: "order"))),
        ("custom object type", Op.register(.personToCo(role: "r", objectType: ""))),
        ("parent object type", Op.register(.coToCo(role: "r", parent: "", child: "order"))),
        ("child object type", Op.register(.coToCo(role: "r", parent: "order", child: ""))),
        ("relationship type description", Op.register(Keys.placed, description: "")),
        ("attribute key", Op.link(Keys.placed, "u1", "o1", ["": .int(1)])),
        ("attribute key in set", Op.setAttributes(Keys.placed, "u0", "o0", set: ["": .int(1)])),
        ("attribute key in unset", Op.setAttributes(Keys.placed, "u0", "o0", unset: [""])),
        ("person ID", Op.link(Keys.placed, "", "o1")),
        ("custom object ID", Op.link(Keys.placed, "u1", "")),
        ("parent ID", Op.link(Keys.contains, "", "li")),
        ("child ID", Op.link(Keys.contains, "o1", "")),
        ("unlink person ID", Op.unlink(Keys.placed, "", "o0")),
        ("role in a type key", Op.link(.personToCo(role: "", objectType: "order"), "u1", "o1")),
    ]

    @Test("empty strings are rejected", arguments: emptyFields.map(\.0))
    func emptyStrings(_ name: String) throws {
        let operation = try #require(Self.emptyFields.first { $0.0 == name }?.1)
        let ledger = try Self.ledger()
        let error = try rejection { () throws(LedgerError) in try ledger.commit(operation) }
        #expect(error.code == .invalidField, "\(error)")
    }

    /// Type names hold no `:` (it ends a record's type) or `/` (it separates
    /// `role/type` references); roles no `/`; neither control characters.
    static let badNames: [(String, Operation)] = [
        ("a type name with ':'", Op.define("or:der")),
        ("a type name with '/'", Op.define("or/der")),
        ("a type name with a newline", Op.define("or\nder")),
        ("a type name with a tab", Op.define("\torder")),
        ("a type name with DEL", Op.define("order\u{7F}")),
        ("a role with '/'", Op.register(.personToCo(role: "placed/by", objectType: "order"))),
        ("a role with a NUL", Op.register(.personToCo(role: "placed\u{0}", objectType: "order"))),
        ("a role with an escape", Op.register(.personToCo(role: "\u{1B}[31m", objectType: "order"))),
    ]

    @Test("separators and control characters are refused in type names and roles", arguments: badNames.map(\.0))
    func badNameCharacters(_ name: String) throws {
        let operation = try #require(Self.badNames.first { $0.0 == name }?.1)
        let ledger = try Self.ledger()
        let error = try rejection { () throws(LedgerError) in try ledger.commit(operation) }
        #expect(error.code == .invalidField, "\(error)")
    }

    @Test("type names and roles may hold spaces, punctuation and any script")
    func unusualNames() throws {
        let ledger = try Self.ledger()
        let plan = try ledger.commit(Op.define("line item (v2) — ünïcode 🦊"),
                                     Op.register(.personToCo(role: "placed: online 🛒", objectType: "line item (v2) — ünïcode 🦊")))
        #expect(plan.events.count == 2)
    }

    @Test("array and object attribute values are rejected", arguments: [
        JSONValue.array([]), .array([.int(1)]), .object([:]), .object(["a": .string("b")]),
    ])
    func containerValues(_ value: JSONValue) throws {
        let ledger = try Self.ledger()
        for operation in [Op.link(Keys.placed, "u1", "o1", ["k": value]), Op.link(Keys.placed, "u0", "o0", ["k": value]),
                          Op.setAttributes(Keys.placed, "u0", "o0", set: ["k": value])] {
            let error = try rejection { () throws(LedgerError) in try ledger.commit(operation) }
            #expect(error.code == .invalidField)
        }
    }

    @Test("scalar attribute values are accepted", arguments: [
        JSONValue.null, .bool(true), .bool(false), .int(0), .int(.min), .int(.max), .double(-1.5), .double(1e300),
        .string(""), .string("x"),
    ])
    func scalarValues(_ value: JSONValue) throws {
        let ledger = try Self.ledger()
        try ledger.commit(Op.link(Keys.placed, "u1", "o1", ["k": value]))
        #expect(try ledger.attributes(Op.linkKey(try ledger.type(Keys.placed), "u1", "o1")) == ["k": value])
    }

    // MARK: - Commit size

    /// A commit of `count` link events whose attribute strings are `size` bytes.
    static func bigCommit(events count: Int, size: Int, last lastSize: Int? = nil) -> Commit {
        let events = (0..<count).map { index -> Event in
            let key = LinkKey(typeId: "rt_abcdefgh", from: RecordRef(type: "person", id: "u\(index)"),
                              to: RecordRef(type: "order", id: "o"))
            let length = index == count - 1 ? lastSize ?? size : size
            return .linked(key, attributes: ["blob": .string(String(repeating: "x", count: length))])
        }
        return Commit(firstSeq: 1, at: Timestamp(millisecondsSinceEpoch: 0), actor: "test", reason: nil,
                      idempotencyKey: nil, events: events, previousHash: CommitCodec.genesisHash)
    }

    @Test("a sealed commit may be exactly 16 MiB, not one byte more")
    func commitBytes() throws {
        let count = 4_000
        let probe = try CommitCodec.seal(Self.bigCommit(events: count, size: 4_000))
        let shortfall = Limits.commitBytesMax - probe.line.count
        try #require(shortfall > 0, "the probe must be under the limit")
        let exact = try CommitCodec.seal(Self.bigCommit(events: count, size: 4_000, last: 4_000 + shortfall))
        #expect(exact.line.count == 16 * 1024 * 1024)
        let error = try rejection { () throws(LedgerError) in
            try CommitCodec.seal(Self.bigCommit(events: count, size: 4_000, last: 4_001 + shortfall))
        }
        #expect(error.code == .invalidField)
    }
}
