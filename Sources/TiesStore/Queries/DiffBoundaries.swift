/// One link's version boundaries between a diff's two seqs A < B, oldest
/// first, and what they tell. A link's versions never overlap, so none of a
/// link with a boundary in (A, B] spans the whole window: the version valid
/// at A (if any) ends in it — at its first boundary, when that is an end —
/// and the one valid at B starts in it, at its last boundary when that is
/// a start. At one seq an end comes before a start (an attribute change
/// ends a version and starts the next). No lookup on the interval tree.
struct DiffBoundaries {
    struct Boundary {
        var isEnd: Bool
        /// The link version that ends or starts here.
        var version: Int64
    }

    let position: Projection.DiffPosition
    private let first: Boundary
    private var last: Boundary

    init(position: Projection.DiffPosition, first: Boundary) {
        self.position = position
        self.first = first
        last = first
    }

    mutating func add(_ boundary: Boundary) { last = boundary }

    var validAtStart: Int64? { first.isEnd ? first.version : nil }
    var validAtEnd: Int64? { last.isEnd ? nil : last.version }
}
