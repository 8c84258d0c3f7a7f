import Testing
@testable import TiesCore
import TiesTestSupport

/// The log line format: deterministic bytes, a SHA-256 over everything before
/// the hash member, and a chain through `prev`.
struct CommitCodecTests {
    static let placedKey = LinkKey(typeId: "rt_abcdefgh", from: RecordRef(type: "person", id: "user_123"),
                                   to: RecordRef(type: "order", id: "ord_998"))

    /// One event of every kind.
    static let golden = Commit(
        firstSeq: 1, at: Timestamp(millisecondsSinceEpoch: 1_795_339_800_125), actor: "alice", reason: "initial import",
        idempotencyKey: "k-1",
        events: [
            .objectTypeDefined(ObjectType(name: "order", description: "A purchase")),
            .relationshipTypeRegistered(RelationshipType(id: "rt_abcdefgh", key: .personToCo(role: "placed", objectType: "order"),
                                                         cardinality: .oneToMany, description: nil, bidirectional: false)),
            .linked(placedKey, attributes: ["n": .int(1), "channel": .string("web")]),
            .attributesChanged(placedKey, set: ["status": .string("returned")], unset: ["channel"]),
            .relationshipTypeUpdated(id: "rt_abcdefgh", change: RelationshipTypeChange(description: "Who bought it")),
            .unlinked(placedKey),
        ],
        previousHash: CommitCodec.genesisHash)

    /// The bytes before `,"hash":"`, written out by hand from the format.
    static let goldenBody = #"{"v":1,"firstSeq":1,"lastSeq":6,"at":"2026-11-22T09:30:00.125Z","actor":"alice","reason":"initial import","idempotencyKey":"k-1","events":["#
        + #"{"seq":1,"type":"objectType.defined","name":"order","description":"A purchase"},"#
        + #"{"seq":2,"type":"relationshipType.registered","relationshipTypeId":"rt_abcdefgh","kind":"person_to_co","role":"placed","customObjectType":"order","cardinality":"ONE_TO_MANY","bidirectional":false},"#
        + #"{"seq":3,"type":"relationship.linked","relationshipTypeId":"rt_abcdefgh","from":"person:user_123","to":"order:ord_998","attributes":{"channel":"web","n":1}},"#
        + #"{"seq":4,"type":"relationship.attributesChanged","relationshipTypeId":"rt_abcdefgh","from":"person:user_123","to":"order:ord_998","set":{"status":"returned"},"unset":["channel"]},"#
        + #"{"seq":5,"type":"relationshipType.updated","relationshipTypeId":"rt_abcdefgh","description":"Who bought it"},"#
        + #"{"seq":6,"type":"relationship.unlinked","relationshipTypeId":"rt_abcdefgh","from":"person:user_123","to":"order:ord_998"}"#
        + #"],"prev":"0000000000000000000000000000000000000000000000000000000000000000""#

    /// `python3 -c 'import hashlib,sys; print(hashlib.sha256(BODY.encode()).hexdigest())'` of `goldenBody`.
    static let goldenHash = "e0fddb5619bf7bf27f1c7a1b8de6451f2d02ae7b77672e2c647ee351ae39975e"

    /// A one-event commit chained after the golden one; its hash also from Python's hashlib.
    static let second = Commit(firstSeq: 7, at: Timestamp(millisecondsSinceEpoch: 1_795_339_801_000), actor: "bob", reason: nil,
                               idempotencyKey: nil, events: [.objectTypeDefined(ObjectType(name: "line_item", description: nil))],
                               previousHash: goldenHash)
    static let secondHash = "46be7f383c0ab3c8972dcd2b7f3555b1fabe04c8084b923e69b3f652886ae471"

    static func withoutNewline(_ sealed: SealedCommit) -> [UInt8] {
        Array(sealed.line.dropLast())
    }

    @Test("the genesis hash is 64 zeros")
    func genesisHash() {
        #expect(CommitCodec.genesisHash == "0000000000000000000000000000000000000000000000000000000000000000")
    }

    @Test("a sealed commit is its body, the hash member and a newline")
    func goldenLine() throws {
        let sealed = try CommitCodec.seal(Self.golden)
        #expect(sealed.hash == Self.goldenHash)
        #expect(String(decoding: sealed.line, as: UTF8.self) == Self.goldenBody + #","hash":"\#(Self.goldenHash)"}"# + "\n")
    }

    @Test("the hash is SHA-256 of the bytes before ,\"hash\":\" (as Python's hashlib computes it)")
    func hashCoversTheBytesBeforeTheHashMember() throws {
        for (commit, expected) in [(Self.golden, Self.goldenHash), (Self.second, Self.secondHash)] {
            let sealed = try CommitCodec.seal(commit)
            let marker = Array(#","hash":""#.utf8)
            let start = try #require(Self.lastIndex(of: marker, in: sealed.line))
            #expect(SHA256.hexDigest(Array(sealed.line[..<start])) == expected)
            #expect(sealed.hash == expected)
            #expect(String(decoding: sealed.line[(start + marker.count)...], as: UTF8.self) == expected + "\"}\n")
        }
    }

    static func lastIndex(of marker: [UInt8], in bytes: [UInt8]) -> Int? {
        stride(from: bytes.count - marker.count, through: 0, by: -1).first { Array(bytes[$0..<$0 + marker.count]) == marker }
    }

    @Test("open gives back the sealed commit, line and hash")
    func roundTrip() throws {
        for commit in [Self.golden, Self.second, Self.unusual] {
            let sealed = try CommitCodec.seal(commit)
            let opened = try CommitCodec.open(Self.withoutNewline(sealed))
            #expect(opened.commit == commit)
            #expect(opened.hash == sealed.hash)
            #expect(opened.line == sealed.line)
        }
    }

    /// Strings that need escaping, every scalar type, odd IDs, a co_to_co type
    /// and a negative time.
    static let unusual: Commit = {
        let key = LinkKey(typeId: "rt_zz", from: RecordRef(type: "order", id: "eu:17/a b"), to: RecordRef(type: "line_item", id: "🦊\u{0}\n\"\\"))
        return Commit(
            firstSeq: 9_007_199_254_740_993, at: Timestamp(millisecondsSinceEpoch: -1), actor: "Zoë \"z\" ✓",
            reason: "line\nbreak\ttab", idempotencyKey: nil,
            events: [
                .relationshipTypeRegistered(RelationshipType(id: "rt_zz", key: .coToCo(role: "contains", parent: "order", child: "line_item"),
                                                             cardinality: nil, description: "é\u{1F}", bidirectional: true,
                                                             inverseRole: "part of \"o\"")),
                .linked(key, attributes: ["null": .null, "t": .bool(true), "f": .bool(false), "min": .int(.min), "max": .int(.max),
                                          "half": .double(0.5), "big": .double(1.5e300), "tiny": .double(-2.5e-8), "s": .string("\u{7F}\u{2028}")]),
                .attributesChanged(key, set: [:], unset: ["a", "b"]),
                .relationshipTypeUpdated(id: "rt_zz", change: RelationshipTypeChange(cardinality: .manyToOne, bidirectional: false)),
                .relationshipTypeUpdated(id: "rt_zz", change: RelationshipTypeChange(inverseRole: "in")),
            ],
            previousHash: String(repeating: "ab", count: 32))
    }()

    @Test("an inverse role is written after the description and before bidirectional, and only when set")
    func inverseRoleEncoding() throws {
        let type = RelationshipType(id: "rt_a", key: .personToCo(role: "placed", objectType: "order"), cardinality: nil,
                                    description: "d", bidirectional: false, inverseRole: "placed_by")
        func written(_ event: Event) -> String {
            var writer = JSONWriter()
            EventCoding.write(event, seq: 1, to: &writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        #expect(written(.relationshipTypeRegistered(type)).hasSuffix(#""description":"d","inverseRole":"placed_by","bidirectional":false}"#))
        #expect(written(.relationshipTypeUpdated(id: "rt_a", change: RelationshipTypeChange(description: "e", inverseRole: "by")))
                == #"{"seq":1,"type":"relationshipType.updated","relationshipTypeId":"rt_a","description":"e","inverseRole":"by"}"#)
        var plain = type
        plain.inverseRole = nil
        #expect(EventCoding.jsonValue(.relationshipTypeRegistered(plain), seq: 1).objectValue?["inverseRole"] == nil)
    }

    @Test("unset keys are written sorted by bytes, so they read back sorted")
    func unsetIsSorted() throws {
        var commit = Self.second
        commit.events = [.attributesChanged(Self.placedKey, set: [:], unset: ["b", "a", "B", "é", "e"])]
        let sealed = try CommitCodec.seal(commit)
        #expect(String(decoding: sealed.line, as: UTF8.self).contains(#""unset":["B","a","b","e","é"]"#))
        let opened = try CommitCodec.open(Self.withoutNewline(sealed))
        #expect(opened.commit.events == [.attributesChanged(Self.placedKey, set: [:], unset: ["B", "a", "b", "e", "é"])])
    }

    @Test("sealing is deterministic: equal commits give equal bytes whatever the dictionary order")
    func deterministic() throws {
        var attributes: Attributes = [:]
        for index in (0..<50).reversed() { attributes["k\(index)"] = .int(Int64(index)) }
        var commit = Self.second
        commit.events = [.linked(Self.placedKey, attributes: attributes)]
        let one = try CommitCodec.seal(commit)
        commit.events = [.linked(Self.placedKey, attributes: Op.attributes(count: 50))]
        let two = try CommitCodec.seal(commit)
        #expect(one.line == two.line)
    }

    @Test("commits chain: each names the hash of the one before")
    func chain() throws {
        let first = try CommitCodec.seal(Self.golden)
        var next = Self.second
        next.previousHash = first.hash
        let sealed = try CommitCodec.seal(next)
        #expect(sealed.hash == Self.secondHash)
        #expect(try CommitCodec.open(Self.withoutNewline(sealed)).commit.previousHash == first.hash)
        // Another predecessor changes the hash.
        next.previousHash = CommitCodec.genesisHash
        #expect(try CommitCodec.seal(next).hash != Self.secondHash)
    }

    @Test("changing any single byte of a sealed line makes it damaged", arguments: [UInt8(0x01), 0x20, 0x80, 0xFF])
    func everyByteFlip(_ mask: UInt8) throws {
        let line = Self.withoutNewline(try CommitCodec.seal(Self.golden))
        var undetected: [Int] = []
        for offset in line.indices {
            var damaged = line
            damaged[offset] ^= mask
            do {
                _ = try CommitCodec.open(damaged)
                undetected.append(offset)
            } catch {
                if error.code != .ledgerDamaged { undetected.append(offset) }
            }
        }
        #expect(undetected.isEmpty, "flips at offsets \(undetected) were not reported as ledger_damaged")
    }

    @Test("every truncation of a sealed line (a torn write) is damaged")
    func everyTruncation() throws {
        let line = Self.withoutNewline(try CommitCodec.seal(Self.second))
        for length in 0..<line.count {
            let error = try rejection { () throws(LedgerError) in try CommitCodec.open(Array(line[..<length])) }
            #expect(error.code == .ledgerDamaged, "length \(length)")
        }
    }

    /// A line whose hash is right but whose content is not a valid commit.
    static func rehashed(_ body: String) -> [UInt8] {
        Array((body + #","hash":"\#(SHA256.hexDigest(Array(body.utf8)))"}"#).utf8)
    }

    @Test("the golden body, rehashed, opens: the helper for inconsistent lines is sound")
    func rehashedGoldenOpens() throws {
        #expect(try CommitCodec.open(Self.rehashed(Self.goldenBody)).commit == Self.golden)
    }

    static let inconsistent: [(String, String)] = [
        ("another format version", goldenBody.replacing(#"{"v":1,"#, with: #"{"v":3,"#)),
        ("a receipt (format 2) with events", goldenBody.replacing(#"{"v":1,"#, with: #"{"v":2,"#)),
        ("a receipt without its key", #"{"v":2,"firstSeq":1,"lastSeq":0,"at":"2026-11-22T09:30:00.125Z","actor":"a","events":[],"results":[],"prev":"00""#),
        ("a receipt without results", #"{"v":2,"firstSeq":1,"lastSeq":0,"at":"2026-11-22T09:30:00.125Z","actor":"a","idempotencyKey":"k","events":[],"prev":"00""#),
        ("a receipt whose lastSeq is not the seq before", #"{"v":2,"firstSeq":3,"lastSeq":3,"at":"2026-11-22T09:30:00.125Z","actor":"a","idempotencyKey":"k","events":[],"results":[],"prev":"00""#),
        ("a firstSeq of 0", goldenBody.replacing(#""firstSeq":1,"#, with: #""firstSeq":0,"#)),
        ("the lowest firstSeq", #"{"v":2,"firstSeq":-9223372036854775808,"lastSeq":9223372036854775807,"at":"2026-11-22T09:30:00.125Z","actor":"a","idempotencyKey":"k","events":[],"results":[],"prev":"00""#),
        ("the highest firstSeq", goldenBody.replacing(#""firstSeq":1,"#, with: #""firstSeq":9223372036854775807,"#)),
        ("a lastSeq that does not match the events", goldenBody.replacing(#""lastSeq":6"#, with: #""lastSeq":7"#)),
        ("a gap in the event seqs", goldenBody.replacing(#"{"seq":3,"#, with: #"{"seq":4,"#)),
        ("an unknown event type", goldenBody.replacing("objectType.defined", with: "objectType.dropped")),
        ("an unknown cardinality", goldenBody.replacing("ONE_TO_MANY", with: "SOME")),
        ("a commit time that is not RFC 3339", goldenBody.replacing("2026-11-22T09:30:00.125Z", with: "yesterday")),
        ("a record without a type", goldenBody.replacing(#""to":"order:ord_998","attributes""#, with: #""to":"ord_998","attributes""#)),
        ("no events", #"{"v":1,"firstSeq":1,"lastSeq":0,"at":"2026-11-22T09:30:00.125Z","actor":"a","events":[],"prev":"00""#),
        ("not JSON before the hash", #"{"v":1,"firstSeq":1"#),
    ]

    @Test("a correctly hashed line that is not a valid commit is damaged", arguments: inconsistent.map(\.0))
    func inconsistentContent(_ name: String) throws {
        let body = try #require(Self.inconsistent.first { $0.0 == name }?.1)
        #expect(body != Self.goldenBody)
        let error = try rejection { () throws(LedgerError) in try CommitCodec.open(Self.rehashed(body)) }
        #expect(error.code == .ledgerDamaged)
    }

    @Test("a keyed request's receipt seals as a format-2 line with no events and no seq of its own, and opens as it was")
    func receiptRoundTrip() throws {
        let result = OperationResult.objectType(ObjectType(name: "order", description: nil), created: false, changed: false)
        let receipt = Commit(firstSeq: 8, at: Self.golden.at, actor: "crm-sync", reason: "again", idempotencyKey: "k-1", events: [],
                             previousHash: String(repeating: "a", count: 64), requestDigest: "d", results: [result])
        #expect(receipt.isReceipt && receipt.lastSeq == 7)
        let sealed = try CommitCodec.seal(receipt)
        let text = String(decoding: sealed.line, as: UTF8.self)
        #expect(text.hasPrefix(#"{"v":2,"firstSeq":8,"lastSeq":7,"#) && text.contains(#""events":[]"#), "\(text)")
        let opened = try CommitCodec.open(Self.withoutNewline(sealed))
        #expect(opened.commit == receipt && opened.hash == sealed.hash)
    }

    @Test("a line with trailing bytes after the hash member is damaged")
    func trailingBytes() throws {
        let line = Self.withoutNewline(try CommitCodec.seal(Self.second))
        for suffix in ["\n", " ", "}", "\r"] {
            let error = try rejection { () throws(LedgerError) in try CommitCodec.open(line + Array(suffix.utf8)) }
            #expect(error.code == .ledgerDamaged)
        }
    }
}

@Suite("regressions: commit limits on the read path")
struct CommitReadLimitTests {
    @Test("A well-sealed commit with more events than a commit may hold is damage when read")
    func tooManyEventsIsDamage() throws {
        func commit(events count: Int) -> Commit {
            Commit(firstSeq: 1, at: Timestamp(millisecondsSinceEpoch: 0), actor: "tester", reason: nil, idempotencyKey: nil,
                   events: (0..<count).map { .objectTypeDefined(ObjectType(name: "t\($0)", description: nil)) },
                   previousHash: CommitCodec.genesisHash)
        }
        let atLimit = try CommitCodec.seal(commit(events: Limits.eventsPerCommitMax))
        #expect(try CommitCodec.open(CommitCodecTests.withoutNewline(atLimit)).commit.events.count == Limits.eventsPerCommitMax)
        let pastLimit = try CommitCodec.seal(commit(events: Limits.eventsPerCommitMax + 1))
        let error = #expect(throws: LedgerError.self) { try CommitCodec.open(CommitCodecTests.withoutNewline(pastLimit)) }
        #expect(error?.code == .ledgerDamaged && error?.message.contains("\(Limits.eventsPerCommitMax + 1) events") == true)
    }
}

@Suite("keyed commits keep their results")
struct KeyedCommitResultsTests {
    static let placed = RelationshipType(id: "rt_aaaa2222", key: .personToCo(role: "placed", objectType: "order"),
                                         cardinality: .oneToMany, description: "who placed it", bidirectional: true)
    static let link = LinkKey(typeId: "rt_aaaa2222", from: RecordRef(type: "person", id: "ada"), to: RecordRef(type: "order", id: "o:1/ü"))
    static let everyResult: [OperationResult] = [
        .objectType(ObjectType(name: "order", description: "A purchase"), created: true, changed: true),
        .objectType(ObjectType(name: "line_item", description: nil), created: false, changed: false),
        .relationshipType(placed, created: false, changed: true),
        .link(link, created: true, changed: true),
        .attributes(link, changed: false),
        .unlink(link),
    ]

    static func keyed(results: [OperationResult]?) -> Commit {
        Commit(firstSeq: 7, at: Timestamp(millisecondsSinceEpoch: 1_795_339_800_000), actor: "crm-sync", reason: nil,
               idempotencyKey: "k-1", events: [.unlinked(link)], previousHash: CommitCodec.genesisHash, requestDigest: "d1", results: results)
    }

    @Test("Every kind of operation result reads back as it was written, in a format-1 line")
    func resultsRoundTrip() throws {
        let sealed = try CommitCodec.seal(Self.keyed(results: Self.everyResult))
        #expect(sealed.line.starts(with: Array(#"{"v":1,"#.utf8)))
        let opened = try CommitCodec.open(CommitCodecTests.withoutNewline(sealed))
        #expect(opened.commit == sealed.commit)
        #expect(opened.hash == sealed.hash)
    }

    @Test("results that are not an array of known results are damage")
    func malformedResultsAreDamage() throws {
        let line = String(decoding: CommitCodecTests.withoutNewline(try CommitCodec.seal(Self.keyed(results: [Self.everyResult[5]]))), as: UTF8.self)
        let body = String(line[..<line.range(of: #","hash":""#)!.lowerBound])
        for broken in [body.replacing(#""results":["#, with: #""results":{"x":["#).replacing(#"],"prev""#, with: #"]},"prev""#),
                       body.replacing(#""result":"unlink""#, with: #""result":"relink""#)] {
            let error = #expect(throws: LedgerError.self) { try CommitCodec.open(CommitCodecTests.rehashed(broken)) }
            #expect(error?.code == .ledgerDamaged, "\(broken)")
        }
    }
}
