// Fixtures/sha256-hashlib-vectors.txt was generated from this directory with:
// python3 -c 'import hashlib,random;random.seed(20261122);L=list(range(131))+[183,184,191,192,247,248,255,256,319,320,511,512,1000,1023,1024,1100]+[random.randint(131,1100) for _ in range(53)];[print(b.hex(),hashlib.sha256(b).hexdigest()) for b in (random.randbytes(n) for n in L)]' > Fixtures/sha256-hashlib-vectors.txt

import Foundation
import Testing
@testable import TiesCore

@Suite struct SHA256Tests {
    @Test func theEmptyMessageHashesToTheFIPSDigest() {
        #expect(SHA256.hexDigest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func abcHashesToTheFIPSOneBlockDigest() {
        #expect(SHA256.hexDigest(Array("abc".utf8))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func the448BitMessageHashesToTheFIPSDigest() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hexDigest(Array(message.utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func the896BitTwoBlockMessageHashesToTheFIPSDigest() {
        let message = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
            + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        #expect(SHA256.hexDigest(Array(message.utf8))
            == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func oneMillionLetterAsHashToTheFIPSDigest() {
        #expect(SHA256.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func updatingWithAStringHashesItsUTF8Bytes() {
        var hasher = SHA256()
        hasher.update("héllo, wörld")
        #expect(hasher.finalize() == SHA256.digest(Array("héllo, wörld".utf8)))
    }

    @Test func theDigestIsThirtyTwoBytes() {
        #expect(SHA256.digest(Array("abc".utf8)).count == SHA256.digestByteCount)
    }

    @Test func splittingTheInputAtAnyOffsetGivesTheSameDigest() {
        let input = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let expected = SHA256.digest(input)
        for split in 0...input.count {
            var hasher = SHA256()
            hasher.update(Array(input[..<split]))
            hasher.update(Array(input[split...]))
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
    }

    @Test func feedingOneByteAtATimeGivesTheSameDigest() {
        let input = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var hasher = SHA256()
        for byte in input {
            hasher.update([byte])
        }
        #expect(hasher.finalize() == SHA256.digest(input))
    }

    @Test func theRawBufferEntryPointMatchesTheArrayOne() {
        let input = Array("raw buffers and arrays agree".utf8)
        #expect(input.withUnsafeBytes { SHA256.digest($0) } == SHA256.digest(input))
    }

    @Test func everyHashlibVectorMatches() throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sha256-hashlib-vectors.txt")
        let lines = try String(contentsOf: url, encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 200)
        for line in lines {
            // The empty input is an empty first field, so empty fields must survive the split.
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            try #require(fields.count == 2, "malformed line: \(line)")
            let input = try #require(Hex.decode(String(fields[0])))
            #expect(SHA256.hexDigest(input) == String(fields[1]), "input of \(input.count) bytes")
        }
    }
}

@Suite struct HexTests {
    @Test func encodingIsLowercaseAndTwoDigitsPerByte() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.encode([]) == "")
    }

    @Test func decodingInvertsEncodingForEveryByteValue() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
    }

    @Test func decodingAcceptsUppercaseDigits() {
        #expect(Hex.decode("DEADbeef") == [0xde, 0xad, 0xbe, 0xef])
    }

    @Test(arguments: ["abc", "0g", "zz", "12 4", "+1", "é1", "0x00"])
    func decodingRejectsOddLengthOrNonHexText(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }
}
