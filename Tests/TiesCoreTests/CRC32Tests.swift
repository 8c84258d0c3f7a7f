// The expected values come from Python's zlib, which implements the same CRC:
// python3 -c "import zlib; print([hex(zlib.crc32(b)) for b in (b'123456789', b'', b'The quick brown fox jumps over the lazy dog', bytes(range(256))*4)])"

import Testing
@testable import TiesCore

@Suite struct CRC32Tests {
    static let zlibValues: [([UInt8], UInt32)] = [
        (Array("123456789".utf8), 0xCBF4_3926),
        ([], 0),
        (Array("The quick brown fox jumps over the lazy dog".utf8), 0x414F_A339),
        (Array(repeating: Array(0...UInt8(255)), count: 4).flatMap { $0 }, 0xB70B_4C26),
    ]

    @Test("the check value and other inputs match Python's zlib.crc32", arguments: zlibValues)
    func matchesZlib(input: [UInt8], expected: UInt32) {
        #expect(CRC32.checksum(input) == expected)
    }

    @Test func aSliceIsCheckedLikeTheArrayItHolds() {
        let line = Array("xx123456789yy".utf8)
        #expect(CRC32.checksum(line[2..<11]) == 0xCBF4_3926)
    }

    @Test func everySingleBitFlipChangesTheChecksum() {
        let input = Array("{\"seq\":7,\"type\":\"relationship.linked\"}".utf8)
        let original = CRC32.checksum(input)
        for index in input.indices {
            for bit in 0..<8 {
                var flipped = input
                flipped[index] ^= 1 << bit
                #expect(CRC32.checksum(flipped) != original, "byte \(index) bit \(bit)")
            }
        }
    }
}
