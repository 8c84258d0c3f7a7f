/// `registerRelationshipType`: an upsert keyed by (kind, role, object types).
enum RelationshipTypeRules {
    static func register(_ registration: Registration, in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        try validateKey(registration.key, in: state)
        try Validation.description(registration.description)
        if let inverseRole = registration.inverseRole { try Validation.role(inverseRole, field: "inverseRole") }
        guard let existing = try state.relationshipType(key: registration.key) else {
            let type = RelationshipType(
                id: try RelationshipTypeID.make(for: registration.key, in: state), key: registration.key,
                cardinality: registration.cardinality, description: registration.description,
                bidirectional: registration.bidirectional ?? false, inverseRole: registration.inverseRole)
            return ([.relationshipTypeRegistered(type)], .relationshipType(type, created: true, changed: true))
        }
        var change = RelationshipTypeChange()
        if let cardinality = registration.cardinality, cardinality != existing.cardinality { change.cardinality = cardinality }
        if let description = registration.description, description != existing.description { change.description = description }
        if let bidirectional = registration.bidirectional, bidirectional != existing.bidirectional { change.bidirectional = bidirectional }
        if let inverseRole = registration.inverseRole, inverseRole != existing.inverseRole { change.inverseRole = inverseRole }
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
