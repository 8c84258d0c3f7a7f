import Testing
import TiesCore
@testable import TiesStore
import TiesTestExpectations
import TiesTestSupport

// Property: for any generated script of operations, `show RECORD --as-of N`
// on the real ledger equals an independent replay of the log's events up to
// the last whole commit at or before N — for every N and every record, with
// inverse links exactly for the types that were bidirectional as of N.
//
// The model below is deliberately naive (dictionaries, full scans) and shares
// no code with the ledger's decider, overlay or projection.

/// The world the generator draws from: few names, so links collide often.
private enum World {
    static let objectTypes = ["order", "account", "household"]
    static let keys: [RelationshipTypeKey] = [
        .personToCo(role: "placed", objectType: "order"),
        .personToCo(role: "owns", objectType: "account"),
        .personToCo(role: "member", objectType: "household"),
        .coToCo(role: "billed_to", parent: "order", child: "account"),
        // Parent and child of the same type: self links and both directions on one record.
        .coToCo(role: "parent_of", parent: "household", child: "household"),
    ]
    static let ids: [String: [String]] = [
        "person": ["p1", "p2", "p3", "p4"], "order": ["o1", "o2", "o3"], "account": ["a1", "a2"], "household": ["h1", "h2", "h3"],
    ]
    static var records: [RecordRef] {
        ids.keys.sorted().flatMap { type in ids[type]!.map { RecordRef(type: type, id: $0) } } + [person("ghost")]
    }
    static let attributeKeys = ["channel", "status", "n", "flag"]
    static let attributeValues: [JSONValue] = [.string("web"), .string("store"), .int(0), .int(7), .bool(true), .null, .double(0.5)]
    static let cardinalities: [Cardinality?] = [nil, .oneToOne, .oneToMany, .manyToOne, .manyToMany]
}

// MARK: The reference model

private struct ModelType: Equatable {
    var key: RelationshipTypeKey
    var cardinality: Cardinality?
    var description: String?
    var bidirectional: Bool
}

private struct ModelLink: Equatable {
    var attributes: Attributes
    var linkedSeq: Int64
    var versionSeq: Int64
}

/// The ledger's state as plain dictionaries, changed only by replaying events.
private struct Model {
    var objectTypes: [String: String?] = [:]
    var types: [String: ModelType] = [:]
    var links: [LinkKey: ModelLink] = [:]

    /// Applies one event read back from the log; returns what did not fit.
    mutating func apply(_ event: Event, seq: Int64) -> String? {
        switch event {
        case .objectTypeDefined(let type):
            objectTypes[type.name] = .some(type.description)
        case .relationshipTypeRegistered(let type):
            guard types[type.id] == nil else { return "seq \(seq) registers \(type.id) again" }
            guard !types.values.contains(where: { $0.key == type.key }) else { return "seq \(seq) registers key \(type.key) twice" }
            types[type.id] = ModelType(key: type.key, cardinality: type.cardinality, description: type.description, bidirectional: type.bidirectional)
        case .relationshipTypeUpdated(let id, let change):
            guard var type = types[id] else { return "seq \(seq) updates unknown type \(id)" }
            guard !change.isEmpty else { return "seq \(seq) is an empty update" }
            if let cardinality = change.cardinality { type.cardinality = cardinality }
            if let description = change.description { type.description = description }
            if let bidirectional = change.bidirectional { type.bidirectional = bidirectional }
            types[id] = type
        case .linked(let key, let attributes, _):
            guard types[key.typeId] != nil else { return "seq \(seq) links in unknown type" }
            guard links[key] == nil else { return "seq \(seq) links \(key) which is already linked" }
            links[key] = ModelLink(attributes: attributes, linkedSeq: seq, versionSeq: seq)
        case .unlinked(let key, _):
            guard links.removeValue(forKey: key) != nil else { return "seq \(seq) unlinks \(key) which is not linked" }
        case .attributesChanged(let key, let set, let unset, _):
            guard var link = links[key] else { return "seq \(seq) changes \(key) which is not linked" }
            for (name, value) in set { link.attributes[name] = value }
            for name in unset { link.attributes[name] = nil }
            link.versionSeq = seq
            links[key] = link
        case .recordUpserted, .recordErased:
            return "seq \(seq) is a record event, which this test never makes"
        }
        return nil
    }

    /// What `show record` lists in this state.
    func rows(of record: RecordRef, times: [Int64: Timestamp]) -> [LinkRow] {
        var rows: [LinkRow] = []
        for (key, link) in links {
            func row(_ direction: LinkView.Direction) -> LinkRow {
                LinkRow(typeId: key.typeId, direction: direction, from: key.from, to: key.to, attributes: link.attributes,
                        linkedSeq: link.linkedSeq, linkedAt: times[link.linkedSeq]!, versionSeq: link.versionSeq, versionAt: times[link.versionSeq]!)
            }
            if key.from == record { rows.append(row(.forward)) }
            if key.to == record, types[key.typeId]?.bidirectional == true { rows.append(row(.inverse)) }
        }
        return LinkRow.sorted(rows)
    }

    /// Cardinality must hold in every committed state.
    func cardinalityBreaches() -> [String] {
        var breaches: [String] = []
        for (id, type) in types {
            let cardinality = type.cardinality ?? .manyToMany
            let keys = links.keys.filter { $0.typeId == id }
            if cardinality.limitsFromsPerTo {
                for (to, group) in Dictionary(grouping: keys, by: \.to) where group.count > 1 {
                    breaches.append("\(cardinality.rawValue) \(id): \(to) has \(group.count) froms")
                }
            }
            if cardinality.limitsTosPerFrom {
                for (from, group) in Dictionary(grouping: keys, by: \.from) where group.count > 1 {
                    breaches.append("\(cardinality.rawValue) \(id): \(from) has \(group.count) tos")
                }
            }
        }
        return breaches
    }

    func typeID(of key: RelationshipTypeKey) -> String? {
        types.first { $0.value.key == key }?.key
    }
}

// MARK: Predicting single operations

/// What a single-operation commit must do, worked out from the model alone
/// (TiesCore.docc/Rules.md read literally), in the order the checks are documented.
private enum Prediction: Equatable {
    case rejected(LedgerError.Code)
    case appends(Int)
}

private enum Predictor {
    static func predict(_ operation: Operation, in model: Model) -> Prediction {
        switch operation {
        case .defineObjectType(let type):
            if type.name.isEmpty || type.name.contains(":") || type.name.contains("/") { return .rejected(.invalidField) }
            if type.description == "" { return .rejected(.invalidField) }
            guard let existing = model.objectTypes[type.name] else { return .appends(1) }
            return type.description == nil || type.description == existing ? .appends(0) : .appends(1)
        case .registerRelationshipType(let registration):
            return register(registration, in: model)
        case .link(let request, let attributes):
            let resolved = resolve(request, in: model)
            guard case .success(let (id, key)) = resolved else { return failure(resolved) }
            if !valid(attributes) { return .rejected(.invalidField) }
            if let existing = model.links[key] {
                return .appends(attributes.contains { existing.attributes[$0.key] != $0.value } ? 1 : 0)
            }
            let cardinality = model.types[id]!.cardinality ?? .manyToMany
            if cardinality.limitsFromsPerTo, model.links.keys.contains(where: { $0.typeId == id && $0.to == key.to }) {
                return .rejected(.cardinalityViolation)
            }
            if cardinality.limitsTosPerFrom, model.links.keys.contains(where: { $0.typeId == id && $0.from == key.from }) {
                return .rejected(.cardinalityViolation)
            }
            return .appends(1)
        case .setAttributes(let request, let set, let unset):
            let resolved = resolve(request, in: model)
            guard case .success(let (_, key)) = resolved else { return failure(resolved) }
            if !valid(set) { return .rejected(.invalidField) }
            if unset.contains(where: { $0.isEmpty || set[$0] != nil }) { return .rejected(.invalidField) }
            guard let existing = model.links[key] else { return .rejected(.relationshipNotFound) }
            let changes = set.contains { existing.attributes[$0.key] != $0.value } || unset.contains { existing.attributes[$0] != nil }
            return .appends(changes ? 1 : 0)
        case .unlink(let request):
            let resolved = resolve(request, in: model)
            guard case .success(let (_, key)) = resolved else { return failure(resolved) }
            return model.links[key] == nil ? .rejected(.relationshipNotFound) : .appends(1)
        case .upsertRecord, .eraseRecord, .restoreLink:
            preconditionFailure("the property test generates link operations only")
        }
    }

    private static func register(_ registration: Registration, in model: Model) -> Prediction {
        let key = registration.key
        if let problem = keyProblem(key, in: model) { return .rejected(problem) }
        if registration.description == "" { return .rejected(.invalidField) }
        guard let id = model.typeID(of: key), let existing = model.types[id] else { return .appends(1) }
        let newCardinality = registration.cardinality.flatMap { $0 == existing.cardinality ? nil : $0 }
        let changed = newCardinality != nil
            || registration.description.map { $0 != existing.description } == true
            || registration.bidirectional.map { $0 != existing.bidirectional } == true
        guard changed else { return .appends(0) }
        if let tighter = newCardinality {
            let old = existing.cardinality ?? .manyToMany
            let keys = model.links.keys.filter { $0.typeId == id }
            if tighter.limitsFromsPerTo && !old.limitsFromsPerTo, Dictionary(grouping: keys, by: \.to).values.contains(where: { $0.count > 1 }) {
                return .rejected(.cardinalityViolation)
            }
            if tighter.limitsTosPerFrom && !old.limitsTosPerFrom, Dictionary(grouping: keys, by: \.from).values.contains(where: { $0.count > 1 }) {
                return .rejected(.cardinalityViolation)
            }
        }
        return .appends(1)
    }

    /// Role and object types of a key: invalid, or not defined.
    private static func keyProblem(_ key: RelationshipTypeKey, in model: Model) -> LedgerError.Code? {
        if key.role.isEmpty || key.role.contains("/") { return .invalidField }
        let custom = key.kind == .personToCo ? [key.toType] : [key.fromType, key.toType]
        for name in custom where model.objectTypes[name] == nil { return .unknownObjectType }
        return nil
    }

    private enum Unresolved: Error { case code(LedgerError.Code) }

    private static func resolve(_ request: LinkRequest, in model: Model) -> Result<(String, LinkKey), Unresolved> {
        let id: String
        switch request.type {
        case .id(let given):
            guard model.types[given] != nil else { return .failure(.code(.unknownRelationshipType)) }
            id = given
        case .key(let key):
            if let problem = keyProblem(key, in: model) { return .failure(.code(problem)) }
            guard let found = model.typeID(of: key) else { return .failure(.code(.unknownRelationshipType)) }
            id = found
        }
        let key = model.types[id]!.key
        switch (key.kind, request.style) {
        case (.personToCo, .parentAndChild), (.coToCo, .personAndObject): return .failure(.code(.invalidField))
        default: break
        }
        guard case .id(let fromID) = request.from, case .id(let toID) = request.to else {
            preconditionFailure("the property test names records by ID")
        }
        if fromID.isEmpty || toID.isEmpty { return .failure(.code(.invalidField)) }
        return .success((id, LinkKey(typeId: id, from: RecordRef(type: key.fromType, id: fromID),
                                     to: RecordRef(type: key.toType, id: toID))))
    }

    private static func failure(_ result: Result<(String, LinkKey), Unresolved>) -> Prediction {
        guard case .failure(.code(let code)) = result else { preconditionFailure("not a failure") }
        return .rejected(code)
    }

    private static func valid(_ attributes: Attributes) -> Bool {
        attributes.allSatisfy { !$0.key.isEmpty && $0.value.isScalar }
    }
}

// MARK: Generating scripts

private struct Generator {
    var random: SplitMix64

    mutating func attributes() -> Attributes {
        var attributes: Attributes = [:]
        for _ in 0..<random.below(3) { attributes[random.pick(World.attributeKeys)] = random.pick(World.attributeValues) }
        if random.chance(4) { attributes["bad"] = .array([.int(1)]) }
        return attributes
    }

    mutating func reference(_ key: RelationshipTypeKey, in model: Model) -> RelationshipTypeReference {
        if random.chance(3) { return .id("rt_doesnotexist") }
        if random.chance(50), let id = model.typeID(of: key) { return .id(id) }
        return .key(key)
    }

    /// A link request; usually on an existing link when `preferExisting`.
    mutating func request(in model: Model, preferExisting: Bool) -> LinkRequest {
        if preferExisting, !model.links.isEmpty, random.chance(70) {
            let key = random.pick(model.links.keys.sorted { "\($0)" < "\($1)" })
            let type = model.types[key.typeId]!.key
            return Op.request(reference(type, in: model), key.from.id, key.to.id, kind: type.kind)
        }
        let key = random.pick(World.keys)
        var from = random.pick(World.ids[key.fromType]!)
        let to = random.pick(World.ids[key.toType]!)
        if random.chance(2) { from = "" }
        var request = Op.request(reference(key, in: model), from, to, kind: key.kind)
        if random.chance(2) { request.style = key.kind == .personToCo ? .parentAndChild : .personAndObject }
        return request
    }

    mutating func operation(in model: Model) -> Operation {
        // Early on, mostly define and register so that links have somewhere to go.
        let setUp = model.objectTypes.count < World.objectTypes.count || model.types.count < World.keys.count
        switch random.below(100) {
        case 0..<(setUp ? 25 : 5):
            let name = random.chance(10) ? random.pick(["bad:name", "", "a/b"]) : random.pick(World.objectTypes)
            return Op.define(name, description: random.pick([nil, "d1", "d2"]))
        case 0..<(setUp ? 50 : 18):
            var key = random.pick(World.keys)
            if random.chance(3) { key.toType = "ordr" }
            if random.chance(2) { key.role = "" }
            return Op.register(key, cardinality: random.pick(World.cardinalities), description: random.pick([nil, nil, "x", "y"]),
                               bidirectional: random.pick([nil, true, false]))
        case 0..<65:
            return .link(request(in: model, preferExisting: random.chance(30)), attributes: attributes())
        case 0..<85:
            var unset = (0..<random.below(3)).map { _ in random.pick(World.attributeKeys) }
            if random.chance(3) { unset.append("") }
            return .setAttributes(request(in: model, preferExisting: true), set: attributes(), unset: unset)
        default:
            return .unlink(request(in: model, preferExisting: true))
        }
    }

    /// Several operations, often on the same link, for one atomic commit.
    mutating func commit(in model: Model) -> [Operation] {
        guard random.chance(20) else { return [operation(in: model)] }
        var operations = (0..<(2 + random.below(3))).map { _ in operation(in: model) }
        if random.chance(50), case .link(let request, _) = operations[0] {
            operations[1] = random.chance(50) ? .unlink(request) : .setAttributes(request, set: attributes(), unset: ["status"])
        }
        return operations
    }

    /// The next `now`: mostly later, sometimes the same instant, sometimes earlier.
    mutating func next(after now: Timestamp) -> Timestamp {
        switch random.below(10) {
        case 0: return now
        case 1: return now.adding(milliseconds: -Int64(random.below(10_000)))
        default: return now.adding(milliseconds: Int64(1 + random.below(5_000)))
        }
    }
}

// MARK: The property

@Suite("As-of equals an independent replay (property)")
struct AsOfPropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 42, 1_234, 65_537, 0xDEAD_BEEF, 0x5EED_0F_71E5, 987_654_321, 0xFFFF_FFFF_FFFF_FFFF]
    static let commitsPerSeed = 300

    /// A state the model reached after a whole commit.
    private struct Snapshot {
        var lastSeq: Int64
        var at: Timestamp?
        var model: Model
    }

    /// Gathers failures, reporting each with the seed so a run can be repeated.
    private final class Report {
        let seed: UInt64
        private(set) var failures = 0

        init(seed: UInt64) { self.seed = seed }

        func check(_ condition: Bool, _ message: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
            guard !condition else { return }
            failures += 1
            if failures <= 12 {
                Issue.record("seed \(seed): \(message())", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("show as of every seq equals the model replayed to the last whole commit at or before it", arguments: seeds)
    func asOfEqualsReplay(seed: UInt64) throws {
        let report = Report(seed: seed)
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var snapshots = [Snapshot(lastSeq: 0, at: nil, model: Model())]
        var times: [Int64: Timestamp] = [:]
        var rejectedCodes: Set<LedgerError.Code> = []
        do {
            let ledger = try makeLedger(in: directory.path)
            try run(seed: seed, on: ledger, report: report, snapshots: &snapshots, times: &times, rejected: &rejectedCodes)
            guard report.failures == 0 else { return }
            check(ledger, snapshots: snapshots, times: times, report: report, "incremental projection")
            checkCatalog(ledger, model: snapshots.last!.model, report: report)
        }
        // The same answers from a projection rebuilt from the log alone.
        try Files.removeProjection(in: directory.path)
        let rebuilt = try Ledger.open(at: directory.path, access: .read)
        check(rebuilt, snapshots: snapshots, times: times, report: report, "rebuilt projection")
        checkCatalog(rebuilt, model: snapshots.last!.model, report: report)

        // The generator must have exercised what it claims to.
        let events = snapshots.last!.lastSeq
        let multiEvent = zip(snapshots, snapshots.dropFirst()).filter { $1.lastSeq - $0.lastSeq > 1 }.count
        let maxLinks = snapshots.map(\.model.links.count).max() ?? 0
        report.check(events > 120, "only \(events) events were committed")
        report.check(multiEvent > 5, "only \(multiEvent) multi-event commits")
        report.check(maxLinks > 8, "at most \(maxLinks) links at a time")
        report.check(snapshots.contains { $0.model.types.values.contains(where: \.bidirectional) }, "no bidirectional type")
        for code in [LedgerError.Code.cardinalityViolation, .relationshipNotFound, .unknownRelationshipType, .invalidField] {
            report.check(rejectedCodes.contains(code), "no operation was rejected with \(code.rawValue)")
        }
    }

    /// Runs the generated script, checking each commit against the
    /// prediction, and replays what the log says into `snapshots`.
    private func run(seed: UInt64, on ledger: Ledger, report: Report, snapshots: inout [Snapshot],
                     times: inout [Int64: Timestamp], rejected: inout Set<LedgerError.Code>) throws {
        var generator = Generator(random: SplitMix64(seed: seed))
        let log = try ledger.logReader(fromSeq: 1)
        var now = time("2026-05-01T00:00:00Z")
        for step in 0..<Self.commitsPerSeed {
            let model = snapshots.last!.model
            let operations = generator.commit(in: model)
            now = generator.next(after: now)
            let prediction = operations.count == 1 ? Predictor.predict(operations[0], in: model) : nil
            let headBefore = ledger.headSeq
            let logBytesBefore = try ledger.stats().logBytes
            let what = "step \(step) \(operations)"
            var appended = 0
            do {
                let receipt = try ledger.commit(operations, metadata: metadata("gen-\(step)"), now: now)
                if let first = receipt.firstSeq, let last = receipt.lastSeq {
                    appended = Int(last - first + 1)
                    report.check(first == headBefore + 1, "\(what): first seq \(first) after head \(headBefore)")
                    report.check(receipt.at == max(now, snapshots.last!.at ?? now), "\(what): commit time \(String(describing: receipt.at))")
                }
                if let prediction { report.check(prediction == .appends(appended), "\(what): predicted \(prediction), appended \(appended)") }
            } catch {
                rejected.insert(error.code)
                if let prediction { report.check(prediction == .rejected(error.code), "\(what): predicted \(prediction), got \(error)") }
                report.check(!error.code.isStorageFailure, "\(what): storage failure \(error)")
                if operations.count > 1 { report.check(error.details["index"] != nil, "\(what): no index in \(error)") }
                report.check(ledger.headSeq == headBefore, "\(what): a rejected commit moved the head")
                let logBytes = try ledger.stats().logBytes
                report.check(logBytes == logBytesBefore, "\(what): a rejected commit wrote to the log")
            }
            // Read back what the log now holds past the last snapshot.
            var newCommits: [ScannedCommit] = []
            while let scanned = try log.next() { newCommits.append(scanned) }
            report.check(newCommits.count == (appended > 0 ? 1 : 0), "\(what): \(newCommits.count) new commits in the log")
            for scanned in newCommits {
                report.check(scanned.commit.actor == "gen-\(step)", "\(what): actor \(scanned.commit.actor)")
                var model = snapshots.last!.model
                for (index, event) in scanned.commit.events.enumerated() {
                    let seq = scanned.commit.firstSeq + Int64(index)
                    times[seq] = scanned.commit.at
                    if let problem = model.apply(event, seq: seq) { report.check(false, "\(what): \(problem)") }
                }
                let breaches = model.cardinalityBreaches()
                report.check(breaches.isEmpty, "\(what): cardinality broken after seq \(scanned.commit.lastSeq): \(breaches)")
                snapshots.append(Snapshot(lastSeq: scanned.commit.lastSeq, at: scanned.commit.at, model: model))
            }
            if report.failures > 0 { return }
        }
    }

    /// Every record, as of every seq (commit boundaries and seqs inside
    /// multi-event commits) and as of every commit time.
    private func check(_ ledger: Ledger, snapshots: [Snapshot], times: [Int64: Timestamp], report: Report, _ label: String) {
        let head = snapshots.last!.lastSeq
        report.check(ledger.headSeq == head, "\(label): head \(ledger.headSeq), model \(head)")
        var checks: [(AsOf, Snapshot)] = []
        for seq in Int64(0)...head {
            checks.append((.seq(seq), snapshots.last { $0.lastSeq <= seq }!))
        }
        report.check((try? ledger.relationships(of: World.records[0], asOf: .seq(head + 1))) == nil, "\(label): as of head + 1 answered")
        for time in Set(snapshots.compactMap(\.at)) {
            for probe in [time, time.adding(milliseconds: -1), time.adding(milliseconds: 1)] {
                checks.append((.time(probe), snapshots.last { ($0.at ?? probe) <= probe }!))
            }
        }
        checks.append((.time(time("2000-01-01T00:00:00Z")), snapshots[0]))
        for (point, expected) in checks {
            for record in World.records {
                do {
                    let answer = try ledger.relationships(of: record, asOf: point)
                    report.check(answer.seq == expected.lastSeq, "\(label): as of \(point) answered seq \(answer.seq), expected \(expected.lastSeq)")
                    report.check(answer.at == expected.at, "\(label): as of \(point) answered time \(String(describing: answer.at))")
                    let actual = rows(answer)
                    let wanted = expected.model.rows(of: record, times: times)
                    report.check(actual == wanted, "\(label): \(record) as of \(point):\n ledger \(actual)\n model  \(wanted)")
                    for link in answer.links {
                        let type = expected.model.types[link.type.id]
                        report.check(type?.key == link.type.key, "\(label): \(record) as of \(point): type \(link.type.id) has key \(link.type.key)")
                    }
                } catch {
                    report.check(false, "\(label): \(record) as of \(point) threw \(error)")
                }
            }
            if report.failures > 0 { return }
        }
        for record in World.records {
            let now = try? ledger.relationships(of: record)
            report.check(now.map(rows) == snapshots.last!.model.rows(of: record, times: times), "\(label): \(record) now")
        }
    }

    private func checkCatalog(_ ledger: Ledger, model: Model, report: Report) {
        let catalog = ledger.catalog
        var types: [String: ModelType] = [:]
        for type in catalog.relationshipTypes {
            types[type.id] = ModelType(key: type.key, cardinality: type.cardinality, description: type.description, bidirectional: type.bidirectional)
        }
        report.check(types == model.types, "catalog relationship types \(types) != model \(model.types)")
        var objects: [String: String?] = [:]
        for type in catalog.objectTypes { objects[type.name] = .some(type.description) }
        report.check(objects == model.objectTypes, "catalog object types \(objects) != model \(model.objectTypes)")
    }
}
