/// `link`, `setAttributes` and `unlink`.
enum LinkRules {
    static func link(_ request: LinkRequest, attributes: Attributes, in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        let (type, key) = try resolve(request, in: state)
        try Validation.attributes(attributes, field: "attributes")
        guard let existing = try state.attributes(of: key) else {
            try CardinalityRules.checkNewLink(key, of: type, in: state)
            return ([.linked(key, attributes: attributes)], .link(key, created: true, changed: true))
        }
        let changed = attributes.filter { existing[$0.key] != $0.value }
        guard !changed.isEmpty else { return ([], .link(key, created: false, changed: false)) }
        try checkMergedCount(existing.merging(changed) { _, new in new })
        return ([.attributesChanged(key, set: changed, unset: [])], .link(key, created: false, changed: true))
    }

    static func setAttributes(_ request: LinkRequest, set: Attributes, unset: [String], in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        let (_, key) = try resolve(request, in: state)
        try Validation.attributes(set, field: "set")
        for name in unset {
            try Validation.attributeKey(name, field: "unset")
            if set[name] != nil { throw Validation.fail("unset", "names '\(name)', which 'set' also sets") }
        }
        let existing = try requireExisting(key, in: state)
        let effectiveSet = set.filter { existing[$0.key] != $0.value }
        let effectiveUnset = Set(unset.filter { existing[$0] != nil }).sorted(by: utf8Less)
        guard !effectiveSet.isEmpty || !effectiveUnset.isEmpty else {
            return ([], .attributes(key, changed: false))
        }
        var merged = existing.merging(effectiveSet) { _, new in new }
        for name in effectiveUnset { merged[name] = nil }
        try checkMergedCount(merged)
        return ([.attributesChanged(key, set: effectiveSet, unset: effectiveUnset)], .attributes(key, changed: true))
    }

    static func unlink(_ request: LinkRequest, in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        let (_, key) = try resolve(request, in: state)
        _ = try requireExisting(key, in: state)
        return ([.unlinked(key)], .unlink(key))
    }

    /// The type and the link's identity, with endpoint fields that fit the
    /// type's kind and IDs within limits.
    static func resolve(_ request: LinkRequest, in state: any LedgerStateView) throws(LedgerError) -> (RelationshipType, LinkKey) {
        let type = try RelationshipTypeRules.resolve(request.type, in: state)
        let fields: (from: String, to: String)
        switch (type.key.kind, request.style) {
        case (.personToCo, .personAndObject), (.personToCo, .records):
            fields = ("personExternalId", "customObjectExternalId")
        case (.coToCo, .parentAndChild), (.coToCo, .records):
            fields = ("parentExternalId", "childExternalId")
        case (.personToCo, .parentAndChild):
            throw Validation.fail("parentExternalId", "does not fit person_to_co type \(type.id); use 'personExternalId' and 'customObjectExternalId'")
        case (.coToCo, .personAndObject):
            throw Validation.fail("personExternalId", "does not fit co_to_co type \(type.id); use 'parentExternalId' and 'childExternalId'")
        }
        try Validation.recordID(request.fromID, field: fields.from)
        try Validation.recordID(request.toID, field: fields.to)
        let key = LinkKey(typeId: type.id, from: RecordRef(type: type.key.fromType, id: request.fromID),
                          to: RecordRef(type: type.key.toType, id: request.toID))
        return (type, key)
    }

    static func requireExisting(_ key: LinkKey, in state: any LedgerStateView) throws(LedgerError) -> Attributes {
        guard let attributes = try state.attributes(of: key) else {
            throw LedgerError(.relationshipNotFound, "no current link \(key.from) → \(key.to) in type \(key.typeId)",
                              details: ["relationship": linkJSON(key)])
        }
        return attributes
    }

    static func checkMergedCount(_ merged: Attributes) throws(LedgerError) {
        guard merged.count <= Limits.attributesPerLinkMax else {
            throw Validation.fail("attributes", "would leave \(merged.count) attributes on the link; at most \(Limits.attributesPerLinkMax)")
        }
    }
}

/// A link's identity as JSON, for error details and answers.
public func linkJSON(_ key: LinkKey) -> JSONValue {
    .object(["relationshipTypeId": .string(key.typeId), "from": .string(key.from.description), "to": .string(key.to.description)])
}
