/// The one error type every layer carries upward unchanged: a stable `code`
/// (TiesCore.docc/ErrorCodes.md), a human message, and structured details. The CLI maps
/// `code` to an exit code and the HTTP layer to a status, at the edges only.
///
/// Messages never contain attribute values or other payload data: they can be
/// personal data. They name fields, seqs, offsets and record IDs.
public struct LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: Code
    public var message: String
    public var details: [String: JSONValue]

    public init(_ code: Code, _ message: String, details: [String: JSONValue] = [:]) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Stable error codes. The first group is the contract's (TiesCore.docc/ErrorCodes.md); the
    /// second is how storage and the CLI fail.
    public enum Code: String, Sendable, CaseIterable {
        // Rejections by the ledger's rules or by input validation.
        case invalidField = "invalid_field"
        case invalidJSON = "invalid_json"
        case unknownObjectType = "unknown_object_type"
        case unknownRelationshipType = "unknown_relationship_type"
        case invalidCardinality = "invalid_cardinality"
        case cardinalityViolation = "cardinality_violation"
        case relationshipNotFound = "relationship_not_found"
        case payloadTooLarge = "payload_too_large"
        case rateLimited = "rate_limited"
        case idempotencyKeyReused = "idempotency_key_reused"
        case sequenceConflict = "sequence_conflict"
        case ledgerBusy = "ledger_busy"
        case invalidMatchingField = "invalid_matching_field"
        case targetRecordNotFound = "target_record_not_found"
        case ambiguousMatch = "ambiguous_match"
        case duplicateIdentifier = "duplicate_identifier"
        case recordNotFound = "record_not_found"
        case recordErased = "record_erased"
        case invalidAsOf = "invalid_as_of"
        // Storage: the ledger cannot be read or written.
        case ledgerNotFound = "ledger_not_found"
        case ledgerExists = "ledger_exists"
        case ledgerDamaged = "ledger_damaged"
        case ioError = "io_error"
        case ledgerReadOnly = "ledger_read_only"

        /// True when the ledger itself (not the request) is the problem.
        public var isStorageFailure: Bool {
            switch self {
            case .ledgerNotFound, .ledgerDamaged, .ioError, .ledgerReadOnly: return true
            default: return false
            }
        }
    }

    /// Attaches the index of the failing operation within its commit, so a
    /// batch or import can say which item was rejected.
    public func at(operationIndex index: Int) -> LedgerError {
        var copy = self
        copy.details["index"] = .int(Int64(index))
        return copy
    }
}
