/// `upsertRecord` and erasure (see the Records article).
public enum RecordRules {
    /// Sets and unsets fields. A new record is created even with no fields
    /// (it then exists, for `requireRecords`); on an existing one, nothing
    /// new appends nothing. A unique identifier's value may be held by one
    /// record of the type only. An erased record takes no new fields.
    static func upsert(_ record: RecordRef, set: Attributes, unset: [String], in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        let type = try ObjectTypeRules.requireType(record.type, field: "objectType", in: state)
        try Validation.recordID(record.id, field: "externalId")
        try Validation.attributes(set, field: "set")
        for name in unset {
            try Validation.attributeKey(name, field: "unset")
            if set[name] != nil { throw Validation.fail("unset", "names '\(name)', which 'set' also sets") }
        }
        let existing = try state.record(record)
        if existing?.erased == true {
            throw LedgerError(.recordErased, "\(record) was erased; an erased record takes no new fields (use another ID)",
                              details: ["record": .string(record.description)])
        }
        let fields = existing?.fields ?? [:]
        let effectiveSet = set.filter { fields[$0.key] != $0.value }
        let effectiveUnset = Set(unset.filter { fields[$0] != nil }).sorted(by: utf8Less)
        if existing != nil, effectiveSet.isEmpty, effectiveUnset.isEmpty {
            return ([], .record(record, created: false, changed: false))
        }
        var merged = fields.merging(effectiveSet) { _, new in new }
        for name in effectiveUnset { merged[name] = nil }
        guard merged.count <= Limits.fieldsPerRecordMax else {
            throw Validation.fail("set", "would leave \(merged.count) fields on the record; at most \(Limits.fieldsPerRecordMax)")
        }
        for (field, value) in effectiveSet.sorted(by: { utf8Less($0.key, $1.key) }) where type.identifier(field)?.unique == true {
            let holders = try state.records(ofType: record.type, field: field, holding: value, limit: 2).filter { $0 != record }
            if let holder = holders.first {
                throw LedgerError(.duplicateIdentifier, "\(holder) already holds this value of unique identifier '\(field)'",
                                  details: ["field": .string(field), "holder": .string(holder.description)])
            }
        }
        let event = Event.recordUpserted(record, set: effectiveSet.mapValues { FieldValue(value: $0) }, unset: effectiveUnset)
        return ([event], .record(record, created: existing == nil, changed: true))
    }

    /// Erases a record's fields forever. Erasing it again appends nothing.
    static func erase(_ record: RecordRef, in state: CommitOverlay) throws(LedgerError) -> ([Event], OperationResult) {
        _ = try ObjectTypeRules.requireType(record.type, field: "record", in: state)
        try Validation.recordID(record.id, field: "record")
        guard let existing = try state.record(record) else {
            throw notFound(record)
        }
        guard !existing.erased else { return ([], .erased(record, changed: false)) }
        return ([.recordErased(record)], .erased(record, changed: true))
    }

    /// Only identifiers are matched and looked up by (they are what a
    /// type declares its records are found by): another field is
    /// `invalid_matching_field`. `field`: where the request named it.
    public static func requireIdentifier(_ name: String, of type: ObjectType, field: String) throws(LedgerError) {
        guard type.identifier(name) == nil else { return }
        let identifiers = type.identifiers.map(\.field)
        throw LedgerError(.invalidMatchingField, "'\(name)' is not an identifier of \(type.name); identifiers: \(identifiers.isEmpty ? "none" : identifiers.joined(separator: ", "))",
                          details: ["field": .string(field), "matchField": .string(name), "objectType": .string(type.name),
                                    "identifiers": .array(identifiers.map(JSONValue.string))])
    }

    static func notFound(_ record: RecordRef) -> LedgerError {
        LedgerError(.recordNotFound, "\(record) was never upserted", details: ["record": .string(record.description)])
    }

    /// The one record a match names: `invalid_matching_field` when the field
    /// is not an identifier of the type, `target_record_not_found` when no
    /// record holds the value, `ambiguous_match` (with `candidates`) when a
    /// non-unique identifier's value is held by several.
    static func resolve(_ match: FieldMatch, type: ObjectType, field: String, in state: any LedgerStateView) throws(LedgerError) -> RecordRef {
        try requireIdentifier(match.field, of: type, field: field)
        let holders = try state.records(ofType: type.name, field: match.field, holding: match.value, limit: Limits.matchCandidatesMax + 1)
        guard let first = holders.first else {
            throw LedgerError(.targetRecordNotFound, "no \(type.name) record holds that value of '\(match.field)'",
                              details: ["field": .string(field), "matchField": .string(match.field), "objectType": .string(type.name)])
        }
        guard holders.count == 1 else {
            let candidates = holders.prefix(Limits.matchCandidatesMax).map { JSONValue.string($0.id) }
            throw LedgerError(.ambiguousMatch, "\(holders.count > Limits.matchCandidatesMax ? "more than \(Limits.matchCandidatesMax)" : "\(holders.count)") \(type.name) records hold that value of '\(match.field)'",
                              details: ["field": .string(field), "matchField": .string(match.field), "objectType": .string(type.name),
                                        "candidates": .array(Array(candidates))])
        }
        return first
    }
}
