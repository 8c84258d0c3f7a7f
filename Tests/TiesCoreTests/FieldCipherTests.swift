import Testing
@testable import TiesCore

/// The primitives erasure rests on, against outside references: HMAC-SHA256
/// against RFC 4231, base64 against RFC 4648, and the field cipher against
/// the same construction computed with Python's `hmac`/`hashlib`.
struct FieldCipherTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    struct HMACVector: Sendable {
        var key: [UInt8]
        var data: [UInt8]
        var mac: String
    }

    /// RFC 4231 §4.2–4.8 (test case 5, a truncated MAC, is left out).
    static let rfc4231: [HMACVector] = [
        HMACVector(key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8),
                   mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        HMACVector(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
                   mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        HMACVector(key: [UInt8](repeating: 0xaa, count: 20), data: [UInt8](repeating: 0xdd, count: 50),
                   mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        HMACVector(key: bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), data: [UInt8](repeating: 0xcd, count: 50),
                   mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        HMACVector(key: [UInt8](repeating: 0xaa, count: 131), data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                   mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        HMACVector(key: [UInt8](repeating: 0xaa, count: 131),
                   data: Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
                   mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: rfc4231)
    func hmacMatchesRFC4231(vector: HMACVector) {
        #expect(Hex.encode(HMAC.sha256(key: vector.key, vector.data)) == vector.mac)
    }

    @Test func hmacOverPartsIsHMACOverTheirConcatenation() {
        let key = Array("k".utf8)
        #expect(HMAC.sha256(key: key, Array("ab".utf8), Array("cd".utf8)) == HMAC.sha256(key: key, Array("abcd".utf8)))
    }

    /// RFC 4648 §10.
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func base64MatchesRFC4648(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test(arguments: ["Zg=", "Zh==", "Zm9=", "Zg==Zg==", "Z===", "Zm9v!A==", "Zm 9v", "====", "Zm9vYmFy="])
    func base64RefusesWhatItWouldNotWrite(text: String) {
        #expect(Base64.decode(text) == nil, "\(text)")
    }

    @Test func base64RoundTripsEveryLengthAndByte() {
        let all = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        for count in 0...all.count { #expect(Base64.decode(Base64.encode(Array(all.prefix(count)))) == Array(all.prefix(count))) }
    }

    static let key = Array(0..<32).map(UInt8.init)
    static let keys = FieldCipher.Keys(key)!
    static let nonce = Array(100..<116).map(UInt8.init)
    static let ada = RecordRef(type: "person", id: "u1")

    /// Computed by the Python script in the Records article's construction
    /// (hmac.new(key, msg, hashlib.sha256)), not by this code.
    @Test func sealMatchesAnIndependentImplementation() {
        #expect(FieldCipher.seal(.string("ada@example.com"), record: Self.ada, field: "email", keys: Self.keys, nonce: Self.nonce[...])
            == "ZGVmZ2hpamtsbW5vcHFyc5zY2kHiJjgYJSk+bXd5rMvGqSm2f+RyZmCIkcHEGJ+Mpg==")
        // 102 bytes of JSON: four keystream blocks, the last one partly used.
        #expect(FieldCipher.seal(.string(String(repeating: "x", count: 100)), record: Self.ada, field: "email", keys: Self.keys, nonce: Self.nonce[...])
            == "ZGVmZ2hpamtsbW5vcHFyc5zBxljaOzgBMCEqcCFiu96c32PLVznYQYklZW2H4/ynXz91Zr80BaSn6Hn3N0xocq2OvC3kIQKWe4KYAzk9IrlPjwUemVDpsoE9b3qYyHApcSa2JqTwEdcOlof4LLBVJnsbY0XP5Tf9iQqt0npfKOFEoZ8RFAs=")
    }

    @Test(arguments: [JSONValue.string("ada@example.com"), .string(""), .int(-7), .double(2.5), .bool(false), .null, .string("é\u{0}\n\"")])
    func openGivesBackWhatWasSealed(value: JSONValue) {
        let sealed = FieldCipher.seal(value, record: Self.ada, field: "email", keys: Self.keys, nonce: Self.nonce[...])
        #expect(FieldCipher.open(sealed, record: Self.ada, field: "email", keys: Self.keys) == value)
        #expect(!sealed.contains("ada@example.com"))
    }

    @Test func onlyTheRightKeyRecordAndFieldOpenASealedValue() {
        let sealed = FieldCipher.seal(.string("ada@example.com"), record: Self.ada, field: "email", keys: Self.keys, nonce: Self.nonce[...])
        var otherKey = Self.key
        otherKey[31] ^= 1
        #expect(FieldCipher.open(sealed, record: Self.ada, field: "email", keys: FieldCipher.Keys(otherKey)!) == nil)
        #expect(FieldCipher.open(sealed, record: RecordRef(type: "person", id: "u2"), field: "email", keys: Self.keys) == nil)
        #expect(FieldCipher.open(sealed, record: Self.ada, field: "name", keys: Self.keys) == nil)
        #expect(FieldCipher.Keys(Array(Self.key.prefix(16))) == nil && FieldCipher.Keys(Self.key + [0]) == nil)
        // Every single flipped bit of the sealed bytes is caught by the tag.
        let raw = Base64.decode(sealed)!
        for index in raw.indices {
            var flipped = raw
            flipped[index] ^= 0x01
            #expect(FieldCipher.open(Base64.encode(flipped), record: Self.ada, field: "email", keys: Self.keys) == nil, "byte \(index)")
        }
        #expect(FieldCipher.open("not base64!", record: Self.ada, field: "email", keys: Self.keys) == nil)
        #expect(FieldCipher.open(Base64.encode(Array(raw.prefix(31))), record: Self.ada, field: "email", keys: Self.keys) == nil)
    }

    @Test func freshNoncesGiveDifferentSealsOfOneValue() {
        let first = FieldCipher.seal(.string("a"), record: Self.ada, field: "f", keys: Self.keys, nonce: Self.nonce[...])
        let second = FieldCipher.seal(.string("a"), record: Self.ada, field: "f", keys: Self.keys, nonce: Self.nonce.reversed()[...])
        #expect(first != second)
    }
}
