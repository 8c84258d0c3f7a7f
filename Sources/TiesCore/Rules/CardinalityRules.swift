/// Cardinality is enforced on every new link and on every tightening.
enum CardinalityRules {
    static func checkNewLink(_ key: LinkKey, of type: RelationshipType, in state: any LedgerStateView) throws(LedgerError) {
        let cardinality = type.effectiveCardinality
        if cardinality.limitsFromsPerTo, let other = try state.partners(typeId: type.id, of: key.to, on: .to, limit: 1).first {
            throw violation(cardinality, existing: LinkKey(typeId: type.id, from: other, to: key.to),
                            because: "\(key.to) already has a \(type.key.fromType) in this type")
        }
        if cardinality.limitsTosPerFrom, let other = try state.partners(typeId: type.id, of: key.from, on: .from, limit: 1).first {
            throw violation(cardinality, existing: LinkKey(typeId: type.id, from: key.from, to: other),
                            because: "\(key.from) already has a \(type.key.toType) in this type")
        }
    }

    static func checkTightening(_ type: RelationshipType, to cardinality: Cardinality, in state: any LedgerStateView) throws(LedgerError) {
        let current = type.effectiveCardinality
        if cardinality.limitsFromsPerTo && !current.limitsFromsPerTo,
           let crowded = try state.crowdedRecords(typeId: type.id, on: .to, limit: 1).first {
            let froms = try state.partners(typeId: type.id, of: crowded, on: .to, limit: 2)
            throw violation(cardinality, existing: LinkKey(typeId: type.id, from: froms[0], to: crowded),
                            because: "\(crowded) already has \(froms.count) or more links in this type")
        }
        if cardinality.limitsTosPerFrom && !current.limitsTosPerFrom,
           let crowded = try state.crowdedRecords(typeId: type.id, on: .from, limit: 1).first {
            let tos = try state.partners(typeId: type.id, of: crowded, on: .from, limit: 2)
            throw violation(cardinality, existing: LinkKey(typeId: type.id, from: crowded, to: tos[0]),
                            because: "\(crowded) already has \(tos.count) or more links in this type")
        }
    }

    static func violation(_ cardinality: Cardinality, existing: LinkKey, because reason: String) -> LedgerError {
        LedgerError(.cardinalityViolation, "\(cardinality.rawValue) would be broken: \(reason) (existing link \(existing.from) → \(existing.to))",
                    details: ["cardinality": .string(cardinality.rawValue), "existing": linkJSON(existing)])
    }
}
