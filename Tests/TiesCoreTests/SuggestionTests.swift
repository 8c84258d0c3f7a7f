import Testing
@testable import TiesCore
import TiesTestSupport

/// TiesCore.docc/Rules.md: an unknown object type fails with `unknown_object_type` and a
/// `suggestions` list of close existing names (edit distance, case-insensitive).
struct SuggestionTests {
    static let defined = ["order", "orders_archive", "account", "household", "line_item", "Invoice", "HOUSEHOLD_MEMBER"]

    static func ledger() throws -> MemoryLedger {
        let ledger = MemoryLedger()
        try ledger.commit(defined.map { Op.define($0) })
        return ledger
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let suggestions: [String]
        var testDescription: String { "\(name) → \(suggestions)" }

        init(_ name: String, _ suggestions: [String]) {
            self.name = name
            self.suggestions = suggestions
        }
    }

    static let cases: [Case] = [
        Case("Ordr", ["order"]),
        Case("ORDER", ["order"]),
        Case("ordre", ["order"]),
        Case("orderz", ["order"]),
        Case("acount", ["account"]),
        Case("ACCOUNTS", ["account"]),
        Case("househod", ["household"]),
        Case("line-item", ["line_item"]),
        Case("LineItem", ["line_item"]),
        Case("invoice", ["Invoice"]),
        Case("invoices", ["Invoice"]),
        Case("household_membr", ["HOUSEHOLD_MEMBER"]),
        Case("Household_Member", ["HOUSEHOLD_MEMBER"]),
        Case("zzz", []),
        Case("customer", []),
        Case("orange", []),
    ]

    @Test("registering with an unknown object type suggests close names", arguments: cases)
    func registration(_ suggestion: Case) throws {
        let ledger = try Self.ledger()
        let error = try rejection { () throws(LedgerError) in
            try ledger.commit(Op.register(.personToCo(role: "placed", objectType: suggestion.name)))
        }
        #expect(error.code == .unknownObjectType)
        #expect(error.details["suggestions"] == .array(suggestion.suggestions.map(JSONValue.string)))
        #expect(error.details["name"] == .string(suggestion.name))
        #expect(error.details["field"] == .string("customObjectType"))
        #expect(error.details["index"] == .int(0))
    }

    @Test("co_to_co names the field of the unknown side", arguments: [
        (RelationshipTypeKey.coToCo(role: "r", parent: "Ordr", child: "line_item"), "parentCustomObjectType"),
        (RelationshipTypeKey.coToCo(role: "r", parent: "order", child: "lineitem"), "childCustomObjectType"),
    ])
    func coToCo(_ key: RelationshipTypeKey, _ field: String) throws {
        let ledger = try Self.ledger()
        let error = try rejection { () throws(LedgerError) in try ledger.commit(Op.register(key)) }
        #expect(error.code == .unknownObjectType)
        #expect(error.details["field"] == .string(field))
        #expect(error.details["suggestions"]?.arrayValue?.count == 1)
    }

    @Test("a type key in a link gets suggestions too")
    func linkByKey() throws {
        let ledger = try Self.ledger()
        let error = try rejection { () throws(LedgerError) in
            try ledger.commit(Op.link(.personToCo(role: "placed", objectType: "ACOUNT"), "u1", "a1"))
        }
        #expect(error.code == .unknownObjectType)
        #expect(error.details["suggestions"] == .array([.string("account")]))
    }

    @Test("object types defined earlier in the same commit are suggested")
    func sameCommit() throws {
        let ledger = MemoryLedger()
        let error = try rejection { () throws(LedgerError) in
            try ledger.commit(Op.define("household"), Op.register(.personToCo(role: "lives_in", objectType: "housheold")))
        }
        #expect(error.details["suggestions"] == .array([.string("household")]))
        #expect(error.details["index"] == .int(1))
    }

    @Test("an empty ledger has nothing to suggest")
    func emptyLedger() throws {
        let error = try rejection { () throws(LedgerError) in
            try MemoryLedger().commit(Op.register(.personToCo(role: "placed", objectType: "order")))
        }
        #expect(error.code == .unknownObjectType)
        #expect(error.details["suggestions"] == .array([]))
    }

    @Test("suggestions come nearest first, ties in byte order, at most five")
    func ordering() {
        #expect(Suggestions.closest(to: "ordr", among: ["orders", "border", "order", "ord", "xyz"]) == ["ord", "order", "border", "orders"])
        let many = ["aab", "aac", "aad", "aae", "aaf", "aag", "aa"]
        #expect(Suggestions.closest(to: "aaa", among: many) == ["aa", "aab", "aac", "aad", "aae"])
        #expect(Suggestions.closest(to: "aaa", among: many, limit: 2) == ["aa", "aab"])
    }

    @Test("the distance allowed grows with the name: a third of it, at least 2")
    func threshold() {
        // 6 scalars: threshold 2.
        #expect(Suggestions.closest(to: "abcdef", among: ["abcxyf"]) == ["abcxyf"])
        #expect(Suggestions.closest(to: "abcdef", among: ["axcxyf"]).isEmpty)
        // 12 scalars: threshold 4.
        #expect(Suggestions.closest(to: "abcdefghijkl", among: ["abcdefghWXYZ"]) == ["abcdefghWXYZ"])
        #expect(Suggestions.closest(to: "abcdefghijkl", among: ["abcdefgVWXYZ"]).isEmpty)
    }

    @Test("edit distance is Levenshtein distance", arguments: [
        ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "", 3), ("same", "same", 0), ("flaw", "lawn", 2),
        ("ab", "ba", 2), ("é", "e", 1), ("🦊x", "x🦊", 2),
    ])
    func editDistance(_ a: String, _ b: String, _ distance: Int) {
        #expect(Suggestions.editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars), cap: 10) == distance)
        #expect(Suggestions.editDistance(Array(b.unicodeScalars), Array(a.unicodeScalars), cap: 10) == distance)
    }

    @Test("edit distance gives up past the cap")
    func cap() {
        let a = Array("abcdefgh".unicodeScalars)
        let b = Array("stuvwxyz".unicodeScalars)
        #expect(Suggestions.editDistance(a, b, cap: 3) == 4)
        #expect(Suggestions.editDistance(a, Array("abc".unicodeScalars), cap: 2) == 3)
        #expect(Suggestions.editDistance(a, Array("abcdefgx".unicodeScalars), cap: 1) == 1)
    }
}
