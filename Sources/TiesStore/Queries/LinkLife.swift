import TiesCore

/// One life of a link as the projection keeps it (see `LinkVersion`, what
/// answers make of it): when it was linked, its attributes at the end or
/// now, how it ended, and the seqs of its events except the unlink.
struct LinkLife {
    var linkedSeq: Int64
    var linkedAt: Timestamp
    var attributes: Attributes = [:]
    /// The unlink's seq and time; nil while the link is current.
    var end: (seq: Int64, at: Timestamp)?
    var seqs: [Int64]

    init(linkedSeq: Int64, linkedAt: Timestamp, seqs: [Int64]) {
        self.linkedSeq = linkedSeq
        self.linkedAt = linkedAt
        self.seqs = seqs
    }
}
