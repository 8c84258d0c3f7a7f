/// `link`, `setAttributes` and `unlink`.
enum LinkRules {
    static func link(_ request: LinkRequest, attributes: Attributes, in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        let (type, key, matchedBy) = try resolve(request, in: state)
        try Validation.attributes(attributes, field: "attributes")
        guard let existing = try state.attributes(of: key) else {
            try requireRecords(key, in: state)
            try CardinalityRules.checkNewLink(key, of: type, in: state)
            return ([.linked(key, attributes: attributes, matchedBy: matchedBy)], .link(key, created: true, changed: true))
        }
        let changed = attributes.filter { existing[$0.key] != $0.value }
        guard !changed.isEmpty else { return ([], .link(key, created: false, changed: false)) }
        try checkMergedCount(existing.merging(changed) { _, new in new })
        return ([.attributesChanged(key, set: changed, unset: [], matchedBy: matchedBy)], .link(key, created: false, changed: true))
    }

    /// Restore: linked again with `attributes` when the link is not current
    /// (obeying cardinality, like a link), or its attributes set back to
    /// exactly `attributes` when it is. Already so appends nothing.
    static func restore(_ request: LinkRequest, attributes: Attributes, in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        let (type, key, matchedBy) = try resolve(request, in: state)
        guard let existing = try state.attributes(of: key) else {
            try requireRecords(key, in: state)
            try CardinalityRules.checkNewLink(key, of: type, in: state)
            return ([.linked(key, attributes: attributes, matchedBy: matchedBy)], .link(key, created: true, changed: true))
        }
        let set = attributes.filter { existing[$0.key] != $0.value }
        let unset = existing.keys.filter { attributes[$0] == nil }.sorted(by: utf8Less)
        guard !set.isEmpty || !unset.isEmpty else { return ([], .attributes(key, changed: false)) }
        return ([.attributesChanged(key, set: set, unset: unset, matchedBy: matchedBy)], .attributes(key, changed: true))
    }

    /// For object types with `requireRecords`, a new link may name only
    /// records that were upserted. Existing links are left as they are, so
    /// turning it on never strands one: they can still be changed and unlinked.
    private static func requireRecords(_ key: LinkKey, in state: any LedgerStateView) throws(LedgerError) {
        for (record, field) in [(key.from, "from"), (key.to, "to")] {
            guard try state.objectTypeOrBuiltIn(named: record.type)?.requireRecords == true, try state.record(record) == nil else { continue }
            throw LedgerError(.targetRecordNotFound, "\(record) was never upserted, and \(record.type) requires records to exist before they are linked",
                              details: ["field": .string(field), "record": .string(record.description)])
        }
    }

    static func setAttributes(_ request: LinkRequest, set: Attributes, unset: [String], in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        let (_, key, matchedBy) = try resolve(request, in: state)
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
        return ([.attributesChanged(key, set: effectiveSet, unset: effectiveUnset, matchedBy: matchedBy)], .attributes(key, changed: true))
    }

    static func unlink(_ request: LinkRequest, in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        let (_, key, matchedBy) = try resolve(request, in: state)
        _ = try requireExisting(key, in: state)
        return ([.unlinked(key, matchedBy: matchedBy)], .unlink(key))
    }

    /// The type and the link's identity, with endpoint fields that fit the
    /// type's kind, IDs within limits and matches resolved against `state`
    /// (which includes the commit's earlier events).
    static func resolve(_ request: LinkRequest, in state: any LedgerStateView) throws(LedgerError) -> (RelationshipType, LinkKey, MatchedBy) {
        let type = try RelationshipTypeRules.resolve(request.type, in: state)
        let fields: (from: String, to: String)
        switch (type.key.kind, request.style) {
        case (.personToCo, .personAndObject), (.personToCo, .records):
            fields = ("person", "customObject")
        case (.coToCo, .parentAndChild), (.coToCo, .records):
            fields = ("parent", "child")
        case (.personToCo, .parentAndChild):
            throw Validation.fail("parentExternalId", "does not fit person_to_co type \(type.id); use 'personExternalId' and 'customObjectExternalId'")
        case (.coToCo, .personAndObject):
            throw Validation.fail("personExternalId", "does not fit co_to_co type \(type.id); use 'parentExternalId' and 'childExternalId'")
        }
        let from = try record(request.from, type: type.key.fromType, field: fields.from, in: state)
        let to = try record(request.to, type: type.key.toType, field: fields.to, in: state)
        let key = LinkKey(typeId: type.id, from: from.record, to: to.record)
        return (type, key, MatchedBy(from: from.matchField, to: to.matchField))
    }

    /// One endpoint's record, and the identifier it was matched by, if any.
    /// `field`: the endpoint's name in operations (`person`, `child`, …).
    private static func record(_ selector: RecordSelector, type typeName: String, field: String,
                               in state: any LedgerStateView) throws(LedgerError) -> (record: RecordRef, matchField: String?) {
        switch selector {
        case .id(let id):
            try Validation.recordID(id, field: field + "ExternalId")
            return (RecordRef(type: typeName, id: id), nil)
        case .match(let match):
            let matchField = field + "Match"
            guard let type = try state.objectTypeOrBuiltIn(named: typeName) else {
                throw LedgerError(.ledgerDamaged, "relationship type names object type \(typeName), which is not defined")
            }
            return (try RecordRules.resolve(match, type: type, field: matchField, in: state), match.field)
        }
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
