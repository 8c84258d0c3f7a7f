import Testing
@testable import TiesCore
import TiesTestSupport

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

    /// Commits operation lines (JSON) as one commit.
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
            Op.register(Keys.placed, cardinality: placed),
            Op.register(Keys.contains, cardinality: contains))
        return ledger
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
