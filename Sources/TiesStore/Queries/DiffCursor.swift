import TiesCore

/// Diff cursors, opaque to clients: `d`, then the two seqs compared and
/// the last link shown (type, from and to record numbers), dot-separated.
/// Carrying the seqs keeps every page on the states the first page
/// compared, even when a point was a time after the last commit then.
struct DiffCursor: Equatable {
    var fromSeq: Int64
    var toSeq: Int64
    var position: Projection.DiffPosition

    init(fromSeq: Int64, toSeq: Int64, position: Projection.DiffPosition) {
        self.fromSeq = fromSeq
        self.toSeq = toSeq
        self.position = position
    }

    init(decoding text: String) throws(LedgerError) {
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map { Int64($0) }
        guard text.hasPrefix("d"), parts.count == 5, let fromSeq = parts[0], let toSeq = parts[1], let type = parts[2],
              let from = parts[3], let to = parts[4], fromSeq >= 0, toSeq >= 0, type > 0, from > 0, to > 0 else { throw .cursorNotIssued }
        self.init(fromSeq: fromSeq, toSeq: toSeq, position: Projection.DiffPosition(type: type, from: from, to: to))
    }

    var encoded: String { "d\(fromSeq).\(toSeq).\(position.type).\(position.from).\(position.to)" }
}
