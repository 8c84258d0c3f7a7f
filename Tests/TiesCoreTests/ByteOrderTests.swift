import Testing
@testable import TiesCore
import TiesTestSupport

/// Records and text compare byte for byte, as SQLite orders the
/// projection's `ref`s: the fast comparisons against the plain definition.
struct ByteOrderTests {
    /// Pieces that meet at the edges the comparisons care about: a type that
    /// is a prefix of another, bytes just below and above ':', multi-byte
    /// characters, canonically equivalent spellings, empty text.
    static let pieces = ["", "o", "or", "order", "order_line", "order-x", "order9", "ordeR", "é", "e\u{301}", ":", "a:b", "zz", "\u{10FFFF}"]

    static func bytesLess(_ lhs: String, _ rhs: String) -> Bool {
        Array(lhs.utf8).lexicographicallyPrecedes(Array(rhs.utf8))
    }

    @Test func recordsOrderAsTheirTypeColonIDTextDoes() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<4000 {
            let lhs = RecordRef(type: Self.pieces[random.below(Self.pieces.count)], id: Self.pieces[random.below(Self.pieces.count)])
            let rhs = RecordRef(type: Self.pieces[random.below(Self.pieces.count)], id: Self.pieces[random.below(Self.pieces.count)])
            #expect((lhs < rhs) == Self.bytesLess(lhs.description, rhs.description), "\(lhs) < \(rhs)")
        }
    }

    @Test func textComparesByteForByteNotByCanonicalEquivalence() {
        for lhs in Self.pieces {
            for rhs in Self.pieces {
                #expect(utf8Less(lhs, rhs) == Self.bytesLess(lhs, rhs), "\(lhs) < \(rhs)")
                #expect(lhs.utf8Equals(rhs) == (Array(lhs.utf8) == Array(rhs.utf8)), "\(lhs) == \(rhs)")
            }
        }
        #expect(!"é".utf8Equals("e\u{301}"))
    }

    @Test func equalRecordsHashAlike() {
        var built = "ord"
        built += "er"
        #expect(RecordRef(type: built, id: "o1").hashValue == RecordRef(type: "order", id: "o1").hashValue)
        #expect(RecordRef(type: built, id: "o1") == RecordRef(type: "order", id: "o1"))
    }
}
