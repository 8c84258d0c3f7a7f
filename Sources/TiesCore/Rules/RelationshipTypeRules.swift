/// `registerRelationshipType`: an upsert keyed by (kind, role, object types).
enum RelationshipTypeRules {
    static func register(_ registration: Registration, in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        try validateKey(registration.key, in: state)
        try Validation.description(registration.description)
        guard let existing = try state.relationshipType(key: registration.key) else {
            let type = RelationshipType(
                id: try RelationshipTypeID.make(for: registration.key, in: state), key: registration.key,
                cardinality: registration.cardinality, description: registration.description,
                bidirectional: registration.bidirectional ?? false)
            return ([.relationshipTypeRegistered(type)], .relationshipType(type, created: true, changed: true))
        }
        var change = RelationshipTypeChange()
        if let cardinality = registration.cardinality, cardinality != existing.cardinality { change.cardinality = cardinality }
        if let description = registration.description, description != existing.description { change.description = description }
        if let bidirectional = registration.bidirectional, bidirectional != existing.bidirectional { change.bidirectional = bidirectional }
        guard !change.isEmpty else {
            return ([], .relationshipType(existing, created: false, changed: false))
        }
        if let tightened = change.cardinality {
            try CardinalityRules.checkTightening(existing, to: tightened, in: state)
        }
        return ([.relationshipTypeUpdated(id: existing.id, change: change)],
                .relationshipType(change.applied(to: existing), created: false, changed: true))
    }

    /// The role and both object types of a key, against the limits and the
    /// defined object types.
    static func validateKey(_ key: RelationshipTypeKey, in state: any LedgerStateView) throws(LedgerError) {
        try Validation.role(key.role)
        switch key.kind {
        case .personToCo:
            try ObjectTypeRules.requireCustomType(key.toType, field: "customObjectType", in: state)
        case .coToCo:
            try ObjectTypeRules.requireCustomType(key.fromType, field: "parentCustomObjectType", in: state)
            try ObjectTypeRules.requireCustomType(key.toType, field: "childCustomObjectType", in: state)
        }
    }

    /// Finds the type an operation names, by ID or by key.
    static func resolve(_ reference: RelationshipTypeReference, in state: any LedgerStateView) throws(LedgerError) -> RelationshipType {
        switch reference {
        case .id(let id):
            guard let type = try state.relationshipType(id: id) else {
                throw LedgerError(.unknownRelationshipType, "no relationship type with ID '\(id)'",
                                  details: ["relationshipTypeId": .string(id)])
            }
            return type
        case .key(let key):
            try validateKey(key, in: state)
            guard let type = try state.relationshipType(key: key) else {
                throw LedgerError(.unknownRelationshipType, "relationship type \(key.kind.rawValue) '\(key)' is not registered",
                                  details: ["relationshipType": .string(key.description)])
            }
            return type
        }
    }
}

/// Relationship type IDs: `rt_` + 8 base32 characters of the SHA-256 of the
/// type's key. Derived, not random, so the same registrations give the same
/// IDs in every ledger; stored in the event, so stable forever once assigned.
public enum RelationshipTypeID {
    static let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789".utf8)

    static func make(for key: RelationshipTypeKey, in state: any LedgerStateView) throws(LedgerError) -> String {
        var hasher = SHA256()
        for part in [key.kind.rawValue, key.role, key.fromType, key.toType] {
            hasher.update(part)
            hasher.update([0])
        }
        let digest = hasher.finalize()
        // A collision of 40 bits is unlikely but possible: lengthen until free.
        for length in stride(from: 8, through: 48, by: 2) {
            let id = "rt_" + String(decoding: base32(digest, characters: length), as: UTF8.self)
            if try state.relationshipType(id: id) == nil { return id }
        }
        throw LedgerError(.invalidField, "could not assign a relationship type ID")
    }

    static func base32(_ bytes: [UInt8], characters: Int) -> [UInt8] {
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes where output.count < characters {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5, output.count < characters {
                bits -= 5
                output.append(alphabet[(buffer >> bits) & 31])
            }
            buffer &= (1 << bits) - 1
        }
        return output
    }
}
