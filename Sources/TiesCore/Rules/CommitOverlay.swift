/// The state a commit's later operations see: a base state (the projection)
/// plus the events already decided in this commit, kept in memory. Layered
/// over `EmptyLedgerState` it is a complete in-memory ledger.
public final class CommitOverlay: LedgerStateView {
    private let base: any LedgerStateView
    private var objectTypes: [String: ObjectType] = [:]
    private var typesByID: [String: RelationshipType] = [:]
    private var typeIDsByKey: [RelationshipTypeKey: String] = [:]
    /// `.some(nil)` marks a link removed in this overlay.
    private var links: [LinkKey: Attributes?] = [:]
    /// Per (type, record, side): partners added (true) or removed (false).
    private var partnerChanges: [PartnerSlot: [RecordRef: Bool]] = [:]
    private var slotsByType: [String: Set<PartnerSlot>] = [:]
    /// Records upserted or erased in this overlay, with their state after it…
    private var recordStates: [RecordRef: RecordState] = [:]
    /// …by type, and who holds each value of an identifier now, so a match
    /// or a uniqueness check in a large commit does not walk every record
    /// it changed. Other fields are only asked about while a commit makes
    /// one an identifier, and are found by a walk then.
    private var changedRecordsByType: [String: Set<RecordRef>] = [:]
    /// Records read from the base, which does not change while the overlay
    /// lives: an upsert reads its record when it is decided and again when
    /// it is applied.
    private var baseRecords: [RecordRef: RecordState?] = [:]
    private var holders: [FieldHolding: Set<RecordRef>] = [:]

    struct FieldHolding: Hashable {
        var type: String
        var field: String
        var value: JSONValue
    }

    struct PartnerSlot: Hashable {
        var typeId: String
        var record: RecordRef
        var side: LinkSide
    }

    public init(base: any LedgerStateView) {
        self.base = base
    }

    // MARK: Applying events

    /// Applies a decided (or replayed) event.
    public func apply(_ event: Event) throws(LedgerError) {
        switch event {
        case .objectTypeDefined(let type):
            // Holders are indexed by identifier: out under the old ones, back in under the new.
            let changed = changedRecordsByType[type.name] ?? []
            for record in changed { try indexHolders(of: record, holding: recordStates[record]?.fields ?? [:], insert: false) }
            objectTypes[type.name] = type
            for record in changed { try indexHolders(of: record, holding: recordStates[record]?.fields ?? [:], insert: true) }
        case .relationshipTypeRegistered(let type):
            typesByID[type.id] = type
            typeIDsByKey[type.key] = type.id
        case .relationshipTypeUpdated(let id, let change):
            guard let current = try relationshipType(id: id) else {
                throw LedgerError(.ledgerDamaged, "update of unknown relationship type \(id)")
            }
            typesByID[id] = change.applied(to: current)
        case .linked(let key, let attributes, _):
            links[key] = .some(attributes)
            recordPartnerChange(key, added: true)
        case .unlinked(let key, _):
            links[key] = .some(nil)
            recordPartnerChange(key, added: false)
        case .recordUpserted(let record, let set, let unset):
            var state = try self.record(record) ?? RecordState(fields: [:], erased: false)
            for (field, value) in set {
                // A value that cannot be read (its record erased) holds nothing.
                state.fields[field] = value.value
            }
            for field in unset { state.fields[field] = nil }
            try setState(state, of: record)
        case .recordErased(let record):
            try setState(RecordState(fields: [:], erased: true), of: record)
        case .attributesChanged(let key, let set, let unset, _):
            guard var attributes = try self.attributes(of: key) else {
                throw LedgerError(.ledgerDamaged, "attribute change on a link that does not exist")
            }
            attributes.merge(set) { _, new in new }
            for name in unset { attributes[name] = nil }
            links[key] = .some(attributes)
        }
    }

    private func setState(_ state: RecordState, of record: RecordRef) throws(LedgerError) {
        try indexHolders(of: record, holding: try self.record(record)?.fields ?? [:], insert: false)
        try indexHolders(of: record, holding: state.fields, insert: true)
        recordStates[record] = state
        changedRecordsByType[record.type, default: []].insert(record)
    }

    /// Adds `record` as the holder of its identifier values in `fields`, or takes it out.
    private func indexHolders(of record: RecordRef, holding fields: [String: JSONValue], insert: Bool) throws(LedgerError) {
        guard !fields.isEmpty, let type = try objectType(named: record.type), !type.identifiers.isEmpty else { return }
        for (field, value) in fields where type.identifier(field) != nil {
            let holding = FieldHolding(type: record.type, field: field, value: value)
            if insert {
                holders[holding, default: []].insert(record)
            } else {
                holders[holding]?.remove(record)
            }
        }
    }

    private func recordPartnerChange(_ key: LinkKey, added: Bool) {
        let toSlot = PartnerSlot(typeId: key.typeId, record: key.to, side: .to)
        let fromSlot = PartnerSlot(typeId: key.typeId, record: key.from, side: .from)
        partnerChanges[toSlot, default: [:]][key.from] = added
        partnerChanges[fromSlot, default: [:]][key.to] = added
        slotsByType[key.typeId, default: []].formUnion([toSlot, fromSlot])
    }

    // MARK: LedgerStateView

    public func objectType(named name: String) throws(LedgerError) -> ObjectType? {
        if let type = objectTypes[name] { return type }
        return try base.objectType(named: name)
    }

    public func objectTypeNames() throws(LedgerError) -> [String] {
        Array(Set(try base.objectTypeNames()).union(objectTypes.keys)).sorted(by: utf8Less)
    }

    public func relationshipType(id: String) throws(LedgerError) -> RelationshipType? {
        if let type = typesByID[id] { return type }
        return try base.relationshipType(id: id)
    }

    public func relationshipType(key: RelationshipTypeKey) throws(LedgerError) -> RelationshipType? {
        if let id = typeIDsByKey[key] { return typesByID[id] }
        guard let type = try base.relationshipType(key: key) else { return nil }
        return typesByID[type.id] ?? type
    }

    public func attributes(of link: LinkKey) throws(LedgerError) -> Attributes? {
        if let entry = links[link] { return entry }
        return try base.attributes(of: link)
    }

    public func partners(typeId: String, of record: RecordRef, on side: LinkSide, limit: Int) throws(LedgerError) -> [RecordRef] {
        let changes = partnerChanges[PartnerSlot(typeId: typeId, record: record, side: side)] ?? [:]
        let removed = changes.values.filter { !$0 }.count
        var result: [RecordRef] = []
        var seen: Set<RecordRef> = []
        for partner in try base.partners(typeId: typeId, of: record, on: side, limit: limit + removed)
        where changes[partner] != false && seen.insert(partner).inserted {
            result.append(partner)
        }
        for (partner, added) in changes.sorted(by: { $0.key < $1.key }) where added && seen.insert(partner).inserted {
            result.append(partner)
        }
        return Array(result.prefix(limit))
    }

    public func record(_ record: RecordRef) throws(LedgerError) -> RecordState? {
        if let state = recordStates[record] { return state }
        if let known = baseRecords[record] { return known }
        let state = try base.record(record)
        baseRecords[record] = .some(state)
        return state
    }

    public func records(ofType type: String, field: String, holding value: JSONValue, limit: Int) throws(LedgerError) -> [RecordRef] {
        let changed = changedRecordsByType[type] ?? []
        var result = try base.records(ofType: type, field: field, holding: value, limit: limit + changed.count)
            .filter { !changed.contains($0) }
        if try objectType(named: type)?.identifier(field) != nil {
            result += holders[FieldHolding(type: type, field: field, value: value)] ?? []
        } else {
            result += changed.filter { recordStates[$0]?.fields[field] == value }
        }
        return Array(result.sorted().prefix(limit))
    }

    public func recordsSharingValues(ofType type: String, field: String, limit: Int) throws(LedgerError) -> [RecordRef] {
        let changed = changedRecordsByType[type] ?? []
        // A record changed here can relieve itself and at most one other.
        var candidates = try base.recordsSharingValues(ofType: type, field: field, limit: limit + 2 * changed.count)
        candidates += changed.sorted()
        var result: [RecordRef] = []
        var seen: Set<RecordRef> = []
        for candidate in candidates where seen.insert(candidate).inserted {
            guard let value = try record(candidate)?.fields[field] else { continue }
            if try records(ofType: type, field: field, holding: value, limit: 2).count > 1 {
                result.append(candidate)
                if result.count == limit { break }
            }
        }
        return result
    }

    public func crowdedRecords(typeId: String, on side: LinkSide, limit: Int) throws(LedgerError) -> [RecordRef] {
        let slots = (slotsByType[typeId] ?? []).filter { $0.side == side }
        let removals = slots.reduce(0) { $0 + (partnerChanges[$1]?.values.filter { !$0 }.count ?? 0) }
        // Each removal can relieve at most one base record, so asking the base
        // for `limit + removals` candidates cannot miss a crowded one.
        var candidates = try base.crowdedRecords(typeId: typeId, on: side, limit: limit + removals)
        candidates.append(contentsOf: slots.map(\.record).sorted())
        var result: [RecordRef] = []
        var seen: Set<RecordRef> = []
        for record in candidates where seen.insert(record).inserted {
            if try partners(typeId: typeId, of: record, on: side, limit: 2).count > 1 {
                result.append(record)
                if result.count == limit { break }
            }
        }
        return result
    }
}
