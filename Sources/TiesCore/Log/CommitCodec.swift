/// The log line format (see the LogFormat article): one JSON object per
/// line, fields in a fixed order, ending in `,"hash":"<64 hex>"}` where the
/// hash is SHA-256 of every byte before that member. The commit's hash is
/// both its checksum and the next commit's `prev`, which makes a chain.
///
/// A keyed commit keeps `results`, the outcome of each operation, so that a
/// retry is answered from it; keyed lines written by earlier versions kept
/// the rendered `response` instead, and are read as they are. Both are
/// optional members of format 1: a reader that does not know one skips it.
/// A receipt (a keyed request that appended no event) is a line of format
/// 2, which versions before it refuse by its version rather than misread;
/// every other line is still format 1.
public enum CommitCodec {
    public static let formatVersion: Int64 = 1
    /// The format of receipt lines: no events, a key, its results.
    public static let receiptFormatVersion: Int64 = 2
    /// The `prev` of the first commit.
    public static let genesisHash = String(repeating: "0", count: 64)
    static let hashMemberPrefix = Array(",\"hash\":\"".utf8)
    /// `,"hash":"` + 64 hex + `"}`.
    static let hashSuffixCount = hashMemberPrefix.count + 64 + 2

    /// Encodes and hashes a commit. Fails with `invalid_field` past the
    /// commit size limit (16 MiB).
    public static func seal(_ commit: Commit) throws(LedgerError) -> SealedCommit {
        precondition(!commit.events.isEmpty || (commit.idempotencyKey != nil && commit.results != nil),
                     "a commit holds at least one event, unless it is a keyed request's receipt")
        precondition(commit.results == nil || commit.legacyResponse == nil, "a commit keeps results or a legacy response, not both")
        var writer = JSONWriter(capacity: 256 + commit.events.count * 192)
        writeHead(of: commit, to: &writer)
        var eventRanges: [Range<Int>] = []
        eventRanges.reserveCapacity(commit.events.count)
        for (index, event) in commit.events.enumerated() {
            if index > 0 { writer.writeRaw(",") }
            let start = writer.bytes.count
            EventCoding.write(event, seq: commit.firstSeq + Int64(index), to: &writer)
            eventRanges.append(start..<writer.bytes.count)
        }
        writer.writeRaw("]")
        if let results = commit.results {
            writer.writeRaw(",\"results\":")
            OperationResultCoding.write(results, to: &writer)
        }
        if let response = commit.legacyResponse {
            writer.writeRaw(",\"response\":")
            writer.writeValue(response)
        }
        writer.writeRaw(",\"prev\":")
        writer.writeString(commit.previousHash)
        let hash = SHA256.hexDigest(writer.bytes)
        writer.writeRaw(",\"hash\":")
        writer.writeString(hash)
        writer.writeRaw("}\n")
        guard writer.bytes.count <= Limits.commitBytesMax else {
            throw LedgerError(.invalidField, "the commit would be \(writer.bytes.count) bytes; at most \(Limits.commitBytesMax) (16 MiB)")
        }
        return SealedCommit(commit: commit, line: writer.bytes, hash: hash, eventRanges: eventRanges)
    }

    /// Every member before the events' objects, through `"events":[`.
    private static func writeHead(of commit: Commit, to writer: inout JSONWriter) {
        writer.writeRaw("{\"v\":")
        writer.writeInt(commit.isReceipt ? receiptFormatVersion : formatVersion)
        writer.writeRaw(",\"firstSeq\":")
        writer.writeInt(commit.firstSeq)
        writer.writeRaw(",\"lastSeq\":")
        writer.writeInt(commit.lastSeq)
        writer.writeRaw(",\"at\":")
        writer.writeString(commit.at.description)
        writer.writeRaw(",\"actor\":")
        writer.writeString(commit.actor)
        if let principal = commit.principal {
            writer.writeRaw(",\"principal\":")
            writer.writeString(principal)
        }
        if let reason = commit.reason {
            writer.writeRaw(",\"reason\":")
            writer.writeString(reason)
        }
        if let key = commit.idempotencyKey {
            writer.writeRaw(",\"idempotencyKey\":")
            writer.writeString(key)
        }
        if let digest = commit.requestDigest {
            writer.writeRaw(",\"requestDigest\":")
            writer.writeString(digest)
        }
        writer.writeRaw(",\"events\":[")
    }

    /// Where each event's object lies in a line read back from the log
    /// (`open` does not say): found by encoding each event again and
    /// comparing byte for byte. Nil when the line was not written the way
    /// `seal` writes (its events are then kept by whoever needs them).
    public static func eventRanges(of commit: Commit, in line: [UInt8]) -> [Range<Int>]? {
        var writer = JSONWriter(capacity: 256)
        writeHead(of: commit, to: &writer)
        guard line.starts(with: writer.bytes) else { return nil }
        var position = writer.bytes.count
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(commit.events.count)
        for (index, event) in commit.events.enumerated() {
            if index > 0 {
                guard position < line.count, line[position] == UInt8(ascii: ",") else { return nil }
                position += 1
            }
            var encoded = JSONWriter(capacity: 192)
            EventCoding.write(event, seq: commit.firstSeq + Int64(index), to: &encoded)
            let end = position + encoded.bytes.count
            guard end <= line.count, line[position..<end].elementsEqual(encoded.bytes) else { return nil }
            ranges.append(position..<end)
            position = end
        }
        guard position < line.count, line[position] == UInt8(ascii: "]") else { return nil }
        return ranges
    }

    /// Checks and decodes one line (without its `\n`). Any mismatch is
    /// `ledger_damaged` with a message saying what did not hold.
    public static func open(_ line: [UInt8]) throws(LedgerError) -> SealedCommit {
        let bodyCount = line.count - hashSuffixCount
        guard bodyCount > 0, line.last == UInt8(ascii: "}"), line[line.count - 2] == UInt8(ascii: "\""),
              Array(line[bodyCount..<bodyCount + hashMemberPrefix.count]) == hashMemberPrefix else {
            throw LedgerError(.ledgerDamaged, "the line does not end with a hash member")
        }
        let stored = String(decoding: line[(bodyCount + hashMemberPrefix.count)..<(line.count - 2)], as: UTF8.self)
        let computed = line.withUnsafeBytes { Hex.encode(SHA256.digest(UnsafeRawBufferPointer(rebasing: $0[0..<bodyCount]))) }
        guard stored == computed else {
            throw LedgerError(.ledgerDamaged, "checksum mismatch: the line hashes to \(computed.prefix(12))…, it says \(stored.prefix(12))…")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line, maxDepth: Limits.jsonDepthMax)
        } catch {
            throw LedgerError(.ledgerDamaged, "the line is not valid JSON: \(error)")
        }
        let commit = try decodeFields(value)
        var withNewline = line
        withNewline.append(UInt8(ascii: "\n"))
        return SealedCommit(commit: commit, line: withNewline, hash: stored)
    }

    static func decodeFields(_ value: JSONValue) throws(LedgerError) -> Commit {
        let fields = try FieldReader(value, context: "commit", failure: .ledgerDamaged)
        let version = try fields.requiredInt("v")
        guard version == formatVersion || version == receiptFormatVersion else {
            throw LedgerError(.ledgerDamaged, "unsupported log format version \(version)")
        }
        let firstSeq = try fields.requiredInt("firstSeq")
        // In range before any arithmetic on it: a damaged line must be reported, never trap.
        guard firstSeq >= 1, firstSeq <= Int64.max - Int64(Limits.eventsPerCommitMax) else {
            throw LedgerError(.ledgerDamaged, "firstSeq \(firstSeq) is out of range")
        }
        let atText = try fields.requiredString("at")
        guard let at = Timestamp(rfc3339: atText) else { throw LedgerError(.ledgerDamaged, "commit time '\(atText)' is not RFC 3339") }
        let idempotencyKey = try fields.optionalString("idempotencyKey")
        guard case .array(let items)? = fields.fields["events"] else {
            throw LedgerError(.ledgerDamaged, "commit without events")
        }
        // Format 1 holds events; format 2 is a receipt, which holds none.
        guard items.isEmpty == (version == receiptFormatVersion) else {
            throw LedgerError(.ledgerDamaged, items.isEmpty ? "commit without events" : "a receipt (format \(version)) with events")
        }
        guard items.count <= Limits.eventsPerCommitMax else {
            throw LedgerError(.ledgerDamaged, "commit with \(items.count) events, more than \(Limits.eventsPerCommitMax)")
        }
        var events: [Event] = []
        events.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let (seq, event) = try EventCoding.decode(item)
            guard seq == firstSeq + Int64(index) else {
                throw LedgerError(.ledgerDamaged, "event seq \(seq) where \(firstSeq + Int64(index)) was expected")
            }
            events.append(event)
        }
        let commit = Commit(firstSeq: firstSeq, at: at, actor: try fields.requiredString("actor"),
                            principal: try fields.optionalString("principal"), reason: try fields.optionalString("reason"), idempotencyKey: idempotencyKey,
                            events: events, previousHash: try fields.requiredString("prev"),
                            requestDigest: try fields.optionalString("requestDigest"),
                            results: try decodeResults(fields), legacyResponse: fields.fields["response"])
        guard try fields.requiredInt("lastSeq") == commit.lastSeq else {
            throw LedgerError(.ledgerDamaged, "lastSeq does not match the events")
        }
        guard !commit.isReceipt || (commit.idempotencyKey != nil && commit.results != nil) else {
            throw LedgerError(.ledgerDamaged, "a receipt without its idempotency key and results")
        }
        return commit
    }

    private static func decodeResults(_ fields: FieldReader) throws(LedgerError) -> [OperationResult]? {
        guard let member = fields.fields["results"] else { return nil }
        return try OperationResultCoding.decode(array: member)
    }
}
