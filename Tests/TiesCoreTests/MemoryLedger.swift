import Testing
@testable import TiesCore

/// A complete in-memory ledger for rule tests: a `CommitOverlay` over
/// `EmptyLedgerState`. `commit` decides a commit and applies its events only
/// when the whole commit is accepted, as the store does.
final class MemoryLedger {
    let state = CommitOverlay(base: EmptyLedgerState())

    @discardableResult
    func commit(_ operations: [Operation]) throws(LedgerError) -> CommitPlan {
        let plan = try Decider.plan(operations, against: state)
        for event in plan.events { try state.apply(event) }
        return plan
    }

    @discardableResult
    func commit(_ operations: Operation...) throws(LedgerError) -> CommitPlan {
        try commit(operations)
    }

    /// Commits SPEC §3 operation lines (JSON) as one commit.
    @discardableResult
    func commit(lines: [String]) throws -> CommitPlan {
        try commit(lines.map(Op.decode))
    }

    /// The type registered under `key`, which the test expects to exist.
    func type(_ key: RelationshipTypeKey, sourceLocation: SourceLocation = #_sourceLocation) throws -> RelationshipType {
        try #require(try state.relationshipType(key: key), sourceLocation: sourceLocation)
    }

    /// The current attributes of a link, nil when it does not exist.
    func attributes(_ key: LinkKey) throws -> Attributes? {
        try state.attributes(of: key)
    }

    /// A ledger with object types `order` and `line_item` and the types
    /// `placed/order` (person_to_co) and `contains/order/line_item` (co_to_co),
    /// with the given cardinalities.
    static func withTypes(placed: Cardinality? = nil, contains: Cardinality? = nil) throws -> MemoryLedger {
        let ledger = MemoryLedger()
        try ledger.commit(
            Op.define("order"), Op.define("line_item"),
            Op.register(Op.placed, cardinality: placed),
            Op.register(Op.contains, cardinality: contains))
        return ledger
    }
}

/// Short builders for operations, keys and links.
enum Op {
    static let placed = RelationshipTypeKey.personToCo(role: "placed", objectType: "order")
    static let contains = RelationshipTypeKey.coToCo(role: "contains", parent: "order", child: "line_item")

    static func define(_ name: String, _ description: String? = nil) -> Operation {
        .defineObjectType(ObjectType(name: name, description: description))
    }

    static func register(_ key: RelationshipTypeKey, cardinality: Cardinality? = nil, description: String? = nil,
                         bidirectional: Bool? = nil) -> Operation {
        .registerRelationshipType(Registration(key: key, cardinality: cardinality, description: description,
                                               bidirectional: bidirectional))
    }

    /// A link request naming the type by key, with the endpoint fields of its kind.
    static func request(_ key: RelationshipTypeKey, _ from: String, _ to: String) -> LinkRequest {
        LinkRequest(type: .key(key), fromID: from, toID: to, style: style(of: key.kind))
    }

    static func style(of kind: RelationshipKind) -> EndpointStyle {
        kind == .personToCo ? .personAndObject : .parentAndChild
    }

    static func link(_ key: RelationshipTypeKey, _ from: String, _ to: String, _ attributes: Attributes = [:]) -> Operation {
        .link(request(key, from, to), attributes: attributes)
    }

    static func unlink(_ key: RelationshipTypeKey, _ from: String, _ to: String) -> Operation {
        .unlink(request(key, from, to))
    }

    static func set(_ key: RelationshipTypeKey, _ from: String, _ to: String, _ set: Attributes = [:],
                    unset: [String] = []) -> Operation {
        .setAttributes(request(key, from, to), set: set, unset: unset)
    }

    /// The identity of a link of a registered type.
    static func linkKey(_ type: RelationshipType, _ from: String, _ to: String) -> LinkKey {
        LinkKey(typeId: type.id, from: RecordRef(type: type.key.fromType, id: from),
                to: RecordRef(type: type.key.toType, id: to))
    }

    /// Parses and decodes one SPEC §3 operation line.
    static func decode(_ line: String) throws -> Operation {
        try OperationDecoding.decode(try JSONParser.parse(line))
    }

    /// `n` distinct attributes `k0…k(n-1)` with int values.
    static func attributes(count: Int, prefix: String = "k") -> Attributes {
        Dictionary(uniqueKeysWithValues: (0..<count).map { ("\(prefix)\($0)", JSONValue.int(Int64($0))) })
    }
}

/// The event names of a plan, in order.
func eventNames(_ plan: CommitPlan) -> [String] {
    plan.events.map(\.name)
}

/// Runs `body`, which must throw a `LedgerError`, and returns that error.
func rejection<R>(sourceLocation: SourceLocation = #_sourceLocation,
                  _ body: () throws(LedgerError) -> R) throws -> LedgerError {
    do {
        _ = try body()
    } catch {
        return error
    }
    Issue.record("expected a LedgerError, but the call succeeded", sourceLocation: sourceLocation)
    throw Unexpected.success
}

/// Like `rejection`, for bodies that can also throw other errors (parsing).
func rejection<R>(sourceLocation: SourceLocation = #_sourceLocation,
                  untyped body: () throws -> R) throws -> LedgerError {
    do {
        _ = try body()
    } catch let error as LedgerError {
        return error
    }
    Issue.record("expected a LedgerError, but the call succeeded", sourceLocation: sourceLocation)
    throw Unexpected.success
}

enum Unexpected: Error {
    case success
}
