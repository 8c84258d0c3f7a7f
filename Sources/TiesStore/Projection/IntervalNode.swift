/// Where a link version's validity interval `[from, to)` is filed so that
/// "which versions contain seq S" costs about the same for a record with
/// ten versions as for one with a hundred thousand (an interval tree laid
/// out in a B-tree index, as the relational interval tree does).
///
/// Think of a binary tree over all seqs. An interval is filed at its *fork
/// node*: the highest node whose two halves it straddles — level `L` is the
/// highest bit in which `from` and `to − 1` differ, and the node is their
/// common prefix above it. Every interval filed at a node on the path from
/// the root to leaf S either contains S or lies beside it; no interval
/// filed elsewhere contains S. So an as-of query looks only at the nodes on
/// S's path (`path(to:)`), and within each node by `from_seq ≤ S` and
/// `to_seq > S` — at most one node per level, and the versions it finds
/// are (nearly all) the answer, however long the record's history.
///
/// A version still open (`to` = ∞) is filed at the root, `openLevel`;
/// closing it moves it to its fork node.
enum IntervalNode {
    /// The level of every open version: above any closed interval's.
    static let openLevel = 62
    /// Node numbers hold the level in their low 6 bits…
    private static let levelBits = 6
    /// …and the prefix above it, so seqs stay below 2^56 (a ledger of 7·10^16 events).
    static let seqBitsMax = 56

    /// The node an interval `[from, to)` is filed at; `to` nil while open.
    static func node(from: Int64, to: Int64?) -> Int64 {
        guard let to else { return encode(level: openLevel, prefix: 0) }
        precondition(from >= 0 && to > from && to <= (1 << seqBitsMax), "an interval of seqs [from, to), from < to ≤ 2^56")
        let differing = UInt64(from) ^ UInt64(to - 1)
        let level = differing == 0 ? 0 : 64 - differing.leadingZeroBitCount
        return encode(level: level, prefix: from >> level)
    }

    /// Every node on the path from the root to seq `seq` that can hold an
    /// interval of a ledger whose last seq is `head`: levels up to the bit
    /// length of `head`, and the open level. (`head` must be the last seq of
    /// the snapshot queried: a version closed after an older head may be
    /// filed above its bit length.)
    static func path(to seq: Int64, head: Int64) -> [Int64] {
        let top = min(64 - UInt64(max(head, seq, 1)).leadingZeroBitCount, seqBitsMax)
        return (0...top).map { encode(level: $0, prefix: seq >> $0) } + [encode(level: openLevel, prefix: 0)]
    }

    private static func encode(level: Int, prefix: Int64) -> Int64 {
        prefix << levelBits | Int64(level)
    }
}
