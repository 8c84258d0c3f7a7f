import TiesCore

/// An event as the projection finds it: its commit's metadata and where
/// its bytes are. The bytes themselves are read from the log (see
/// `EventBodies`), which the projection does not copy.
struct LocatedEvent {
    /// Where the event's JSON object is.
    enum Location {
        /// `length` bytes at `offset` of the log.
        case log(offset: Int64, length: Int)
        /// Kept in the projection: its line was not written canonically.
        case inline([UInt8])
    }

    var seq: Int64
    var commitSeq: Int64
    var at: Timestamp
    var actor: String
    var principal: String?
    var reason: String?
    var location: Location
    /// CRC-32 of the event's bytes, taken when its commit was applied.
    var crc: UInt32

    /// The columns `init(_:)` reads, from `events e` joined to `commits c`.
    static let columns = "e.seq, c.first_seq, c.at, c.actor, c.reason, e.log_offset, e.length, e.crc, e.body, c.principal"

    init(_ row: SQLiteStatement) {
        seq = row.int(0)
        commitSeq = row.int(1)
        at = Timestamp(millisecondsSinceEpoch: row.int(2))
        actor = row.string(3)
        reason = row.optionalString(4)
        principal = row.optionalString(9)
        location = row.isNull(8) ? .log(offset: row.int(5), length: Int(row.int(6))) : .inline(row.bytes(8))
        crc = UInt32(truncatingIfNeeded: row.int(7))
    }

    var logRange: Range<Int64>? {
        guard case .log(let offset, let length) = location else { return nil }
        return offset..<offset + Int64(length)
    }
}
