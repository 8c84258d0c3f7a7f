import Foundation
import Synchronization

typealias Operation = TiesCore.Operation
import Testing
import TiesCore
@testable import TiesStore

// Shared helpers of the TiesStore tests: file surgery and the checks every
// test file repeats. Temporary directories, operation builders and the
// seeded generator are TiesTestSupport's.

/// Collects what a ledger reports through `warn:`; the closure is called
/// from whatever thread the ledger runs on, so the list sits in a `Mutex`.
final class WarningLog: Sendable {
    private let storage = Mutex<[String]>([])

    var messages: [String] { storage.withLock { $0 } }

    /// What every open says of a projection that is gone: tests that remove
    /// it on purpose look at the other warnings.
    static let projectionMissing = "is missing: restoring it from the newest valid snapshot"

    var messagesBesidesMissingProjection: [String] { messages.filter { !$0.contains(Self.projectionMissing) } }

    var sink: @Sendable (String) -> Void {
        { [self] message in storage.withLock { $0.append(message) } }
    }
}

// MARK: Files

enum Files {
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        return [UInt8](data)
    }

    static func write(_ path: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func append(_ path: String, _ bytes: [UInt8]) throws {
        try write(path, try read(path) + bytes)
    }

    static func list(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func remove(_ path: String) throws {
        if exists(path) { try FileManager.default.removeItem(atPath: path) }
    }

    /// Deletes the projection and its WAL files: the next open rebuilds it.
    static func removeProjection(in directory: String) throws {
        let layout = LedgerLayout(directory: directory)
        for file in layout.projectionFiles { try remove(file) }
    }

    /// Copies every file of `source` (not subdirectories) into `destination`.
    static func copyFiles(from source: String, to destination: String, only names: [String]? = nil) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: source) where names?.contains(name) ?? true {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            try write(destination + "/" + name, try read(source + "/" + name))
        }
    }

    /// Byte ranges of each `\n`-terminated line (including its `\n`).
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            ranges.append(start..<(index + 1))
            start = index + 1
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }
}

// MARK: Time

/// An RFC 3339 time that must parse (test input).
func time(_ text: String) -> Timestamp {
    guard let timestamp = Timestamp(rfc3339: text) else { preconditionFailure("bad test time \(text)") }
    return timestamp
}

extension Timestamp {
    func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }
}

// MARK: Operations

func person(_ id: String) -> RecordRef { RecordRef(type: "person", id: id) }
func record(_ type: String, _ id: String) -> RecordRef { RecordRef(type: type, id: id) }

func metadata(_ actor: String = "tester", reason: String? = nil) -> CommitMetadata {
    CommitMetadata(actor: actor, reason: reason)
}

// MARK: Ledgers

/// Creates a ledger in `directory` and opens it for writing.
func makeLedger(in directory: String, warn: @escaping @Sendable (String) -> Void = { _ in }) throws -> Ledger {
    try Ledger.create(at: directory)
    return try Ledger.open(at: directory, access: .write, warn: warn)
}

/// The relationship type ID a receipt reports for its operation `index`.
func typeID(_ receipt: CommitReceipt, at index: Int = 0) -> String? {
    guard receipt.results.indices.contains(index), case .relationshipType(let type, _, _) = receipt.results[index] else { return nil }
    return type.id
}

/// Every commit of the log, read back and checked (checksums, chain, seqs).
func readWholeLog(_ ledger: Ledger) throws -> [ScannedCommit] {
    let reader = try ledger.logReader(fromSeq: 1)
    var commits: [ScannedCommit] = []
    while let next = try reader.next() { commits.append(next) }
    return commits
}

/// Checks that the commits form a gapless, chained sequence from seq 1.
func expectIntactChain(_ commits: [ScannedCommit], sourceLocation: SourceLocation = #_sourceLocation) {
    var expectedSeq: Int64 = 1
    var previous = CommitCodec.genesisHash
    var offset: Int64 = 0
    for scanned in commits {
        #expect(scanned.commit.firstSeq == expectedSeq, sourceLocation: sourceLocation)
        #expect(scanned.commit.previousHash == previous, sourceLocation: sourceLocation)
        #expect(scanned.offset == offset, sourceLocation: sourceLocation)
        expectedSeq = scanned.commit.lastSeq + 1
        previous = scanned.sealed.hash
        offset = scanned.endOffset
    }
}

/// Runs `body`, which must fail with a `LedgerError` of `code`; returns it.
@discardableResult
func expectLedgerError<T>(_ code: LedgerError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                          _ body: () throws -> T) -> LedgerError? {
    do {
        _ = try body()
        Issue.record("expected \(code.rawValue), but it succeeded. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        return nil
    } catch let error as LedgerError {
        #expect(error.code == code, "\(error) \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected LedgerError \(code.rawValue), got \(error). \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        return nil
    }
}

/// A link as a comparable row, without the type's mutable fields (a link
/// view carries today's type; the as-of answer is about the links).
struct LinkRow: Hashable, CustomStringConvertible {
    var typeId: String
    var direction: LinkView.Direction
    var from: RecordRef
    var to: RecordRef
    var attributes: Attributes
    var linkedSeq: Int64
    var linkedAt: Timestamp
    var versionSeq: Int64
    var versionAt: Timestamp

    init(_ view: LinkView) {
        typeId = view.type.id
        direction = view.direction
        from = view.from
        to = view.to
        attributes = view.attributes
        linkedSeq = view.linkedSeq
        linkedAt = view.linkedAt
        versionSeq = view.versionSeq
        versionAt = view.versionAt
    }

    init(typeId: String, direction: LinkView.Direction, from: RecordRef, to: RecordRef, attributes: Attributes,
         linkedSeq: Int64, linkedAt: Timestamp, versionSeq: Int64, versionAt: Timestamp) {
        self.typeId = typeId
        self.direction = direction
        self.from = from
        self.to = to
        self.attributes = attributes
        self.linkedSeq = linkedSeq
        self.linkedAt = linkedAt
        self.versionSeq = versionSeq
        self.versionAt = versionAt
    }

    var description: String {
        "\(direction.rawValue) \(typeId) \(from) → \(to) \(attributes) linked \(linkedSeq)@\(linkedAt) version \(versionSeq)@\(versionAt)"
    }

    /// Forward before inverse, then type, from, to byte-wise.
    static func sorted(_ rows: [LinkRow]) -> [LinkRow] {
        rows.sorted { a, b in
            if a.direction != b.direction { return a.direction == .forward }
            if a.typeId != b.typeId { return utf8Less(a.typeId, b.typeId) }
            if a.from != b.from { return a.from < b.from }
            return a.to < b.to
        }
    }
}

func rows(_ relationships: RecordRelationships) -> [LinkRow] {
    LinkRow.sorted(relationships.links.map(LinkRow.init))
}

/// A query's answer, or the error it got instead (a record of a type the
/// ledger has not defined yet is `unknown_object_type`): two ledgers must
/// agree on both.
typealias Answer<T> = Result<T, LedgerError>

/// Everything a user can ask a ledger about some records, at every seq:
/// two ledgers that answer the same are the same to their users.
struct Answers: Equatable {
    var headSeq: Int64
    var headHash: String
    var catalog: TypeCatalog
    var shows: [Answer<RecordRelationships>]
    var histories: [Answer<HistoryPage>]
    var commits: Int64
    var currentLinks: Int64
    var linkVersions: Int64
    var logBytes: Int64

    init(_ ledger: Ledger, records: [RecordRef]) throws {
        headSeq = ledger.headSeq
        headHash = ledger.headHash
        catalog = ledger.catalog
        shows = []
        for seq in 0...(ledger.headSeq + 1) {
            for record in records { shows.append(Answer { () throws(LedgerError) in try ledger.relationships(of: record, asOf: .seq(seq)) }) }
        }
        for record in records { shows.append(Answer { () throws(LedgerError) in try ledger.relationships(of: record) }) }
        histories = records.map { record in Answer { () throws(LedgerError) in try ledger.history(of: record, limit: Limits.pageSizeMax) } }
        let stats = try ledger.stats()
        commits = stats.commits
        currentLinks = stats.currentLinks
        linkVersions = stats.linkVersions
        logBytes = stats.logBytes
    }
}
