import Testing
@testable import TiesStore
import TiesTestSupport

@Suite struct IntervalNodeTests {
    struct Interval {
        var from: Int64
        var to: Int64?
        func contains(_ seq: Int64) -> Bool { from <= seq && seq < (to ?? .max) }
    }

    /// What the as-of query does: only intervals filed at a node of the
    /// seq's path, then the containment check.
    static func found(_ intervals: [Interval], at seq: Int64, head: Int64) -> [Int] {
        let path = Set(IntervalNode.path(to: seq, head: head))
        return intervals.indices.filter { path.contains(IntervalNode.node(from: intervals[$0].from, to: intervals[$0].to)) && intervals[$0].contains(seq) }
    }

    @Test("looking only at the nodes of a seq's path finds exactly the intervals that contain it", arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func pathFindsEveryContainingInterval(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let head = Int64(1 + random.below(5_000))
        var intervals: [Interval] = []
        for _ in 0..<400 {
            let from = Int64(random.below(Int(head))) + 1
            let open = random.below(4) == 0 || from == head
            let to = open ? nil : from + 1 + Int64(random.below(Int(head - from)))
            intervals.append(Interval(from: from, to: to))
        }
        for seq in Array(0...min(head, 300)) + (0..<300).map({ _ in Int64(random.below(Int(head) + 1)) }) {
            let expected = intervals.indices.filter { intervals[$0].contains(seq) }
            #expect(Self.found(intervals, at: seq, head: head) == expected, "seq \(seq), head \(head)")
        }
    }

    @Test("an interval one seq long is filed at level 0, and an open one at the open level whatever its start")
    func levels() {
        #expect(IntervalNode.node(from: 7, to: 8) == 7 << 6)
        #expect(IntervalNode.node(from: 5, to: nil) == IntervalNode.node(from: 1_000_000, to: nil))
        #expect(IntervalNode.node(from: 5, to: nil) & 63 == Int64(IntervalNode.openLevel))
        // [4, 8) straddles no boundary below level 2: 4 = 0b100 and 7 = 0b111 differ in bits 0–1.
        #expect(IntervalNode.node(from: 4, to: 8) == (1 << 6 | 2))
    }

    @Test("a path holds one node per level up to the head's bit length, plus the open level")
    func pathLength() {
        #expect(IntervalNode.path(to: 3, head: 1_000_000).count == 20 + 2)
        #expect(IntervalNode.path(to: 0, head: 0).count == 3)
    }
}
