import TiesCore

/// Relationship list cursors, opaque to clients: `r`, then the seq the
/// listing answers as of and the position of the last link shown — the
/// record's side (0 `from`, 1 `to`), the type's number, the other record's
/// number — dot-separated. Carrying the seq keeps every page of a listing
/// on the state its first page showed, whatever commits land in between.
struct RelationshipCursor: Equatable {
    var seq: Int64
    var position: Projection.ListingPosition

    init(seq: Int64, position: Projection.ListingPosition) {
        self.seq = seq
        self.position = position
    }

    init(decoding text: String) throws(LedgerError) {
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map { Int64($0) }
        guard text.hasPrefix("r"), parts.count == 4, let seq = parts[0], let side = parts[1], let type = parts[2], let other = parts[3],
              seq >= 0, side == 0 || side == 1, type > 0, other > 0 else { throw .cursorNotIssued }
        self.init(seq: seq, position: Projection.ListingPosition(side: side == 0 ? .from : .to, type: type, other: other))
    }

    var encoded: String { "r\(seq).\(position.side == .from ? 0 : 1).\(position.type).\(position.other)" }
}
