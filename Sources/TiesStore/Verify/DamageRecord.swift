import TiesCore

/// Damage found in the log by `ties verify` or the background scrub, kept
/// in `damaged.json` until `ties repair`, or a `ties verify` that finds the
/// log whole, removes it. While it is there writes are refused
/// (`ledger_damaged`) and `GET /v1/health` answers 503; reads go on.
public struct DamageRecord: Sendable, Equatable {
    /// The first damaged seq and the byte offset of its line, when known.
    public var seq: Int64?
    public var offset: Int64?
    public var foundAt: Timestamp
    /// `verify` or `scrub`.
    public var foundBy: String
    public var message: String

    public init(seq: Int64?, offset: Int64?, foundAt: Timestamp, foundBy: String, message: String) {
        (self.seq, self.offset, self.foundAt, self.foundBy, self.message) = (seq, offset, foundAt, foundBy, message)
    }

    var jsonValue: JSONValue {
        .object(["seq": seq.map(JSONValue.int) ?? .null, "offset": offset.map(JSONValue.int) ?? .null,
                 "foundAt": .string(foundAt.description), "foundBy": .string(foundBy), "message": .string(message)])
    }

    /// A message fit to show any client: the ledger's directory left out.
    static func withoutPaths(_ message: String, _ layout: LedgerLayout) -> String {
        message.replacingOccurrences(of: layout.directory + "/", with: "").replacingOccurrences(of: layout.directory, with: "the ledger directory")
    }

    /// The record in `layout`'s directory, nil when there is none, or when
    /// it names a place past the end of the log as it is now (left by a
    /// `ties verify` that ran while `ties repair` cut the log there).
    public static func load(_ layout: LedgerLayout) throws(LedgerError) -> DamageRecord? {
        guard let record = try loadFile(layout) else { return nil }
        if let offset = record.offset, offset >= layout.fileSystem.fileSize(atPath: layout.log) { return nil }
        return record
    }

    private static func loadFile(_ layout: LedgerLayout) throws(LedgerError) -> DamageRecord? {
        guard let bytes = try layout.fileSystem.readSmallFile(layout.damaged, limit: Limits.configFileBytesMax) else { return nil }
        guard case .object(let fields)? = try? JSONParser.parse(bytes),
              let at = fields["foundAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:)) else {
            // Unreadable, it still says the log was found damaged.
            return DamageRecord(seq: nil, offset: nil, foundAt: Timestamp(millisecondsSinceEpoch: 0), foundBy: "unknown",
                                message: "damaged.json is not readable")
        }
        return DamageRecord(seq: fields["seq"]?.int64Value, offset: fields["offset"]?.int64Value, foundAt: at,
                            foundBy: fields["foundBy"]?.stringValue ?? "unknown", message: fields["message"]?.stringValue ?? "")
    }

    /// Writes the record durably (temp file, fsync, rename, fsync of the directory).
    public func save(_ layout: LedgerLayout) throws(LedgerError) {
        var writer = JSONWriter()
        writer.writeValue(jsonValue)
        try layout.fileSystem.replaceFile(layout.damaged, with: writer.bytes + [UInt8(ascii: "\n")], directory: layout.directory)
    }

    /// Removes the record, durably.
    static func clear(_ layout: LedgerLayout) throws(LedgerError) {
        guard layout.fileSystem.exists(layout.damaged) else { return }
        try layout.fileSystem.unlink(layout.damaged)
        try layout.fileSystem.fsyncDirectory(layout.directory)
    }

    /// The detail that tells a write refused for recorded damage (HTTP 503,
    /// its message shown) from other `ledger_damaged` errors (500, generic).
    public static let refusalMarker = "damageRecorded"

    /// The error a write gets while the record is there.
    var refusal: LedgerError {
        let place = seq.map { "at seq \($0)" + (offset.map { " (byte offset \($0))" } ?? "") } ?? "in the log"
        return LedgerError(.ledgerDamaged, """
            the log was found damaged \(place) by \(foundBy) at \(foundAt): \(message). Writes are refused until \
            `ties repair --truncate-at SEQ` or a `ties verify` that finds the log whole again
            """, details: ["seq": seq.map(JSONValue.int) ?? .null, "offset": offset.map(JSONValue.int) ?? .null,
                           DamageRecord.refusalMarker: .bool(true)])
    }
}
