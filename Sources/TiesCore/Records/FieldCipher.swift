/// Seals one record field value with its record's key, so that the log
/// never holds a plain value and destroying the key (erasure) leaves only
/// bytes nobody can read back (see the Records article).
///
/// The construction is the textbook one, built only from HMAC-SHA256:
/// encryption and authentication keys derived from the record key, a
/// keystream of HMAC(encKey, nonce ‖ counter) blocks XORed with the value's
/// JSON (counter mode with a PRF), and an encrypt-then-MAC tag over the
/// record, the field, the nonce and the ciphertext, so a sealed value cannot
/// be moved to another record or field. Sealed form: base64 of
/// nonce (16) ‖ ciphertext ‖ tag (16).
public enum FieldCipher {
    public static let keyByteCount = 32
    public static let nonceByteCount = 16
    static let tagByteCount = 16

    /// A record key made ready for sealing and opening: its encryption and
    /// authentication keys derived once, for all of the record's fields.
    public struct Keys: Sendable {
        let encryption: HMAC
        let authentication: HMAC

        /// Nil for a key of the wrong size (a damaged key store).
        public init?(_ key: [UInt8]) {
            guard key.count == FieldCipher.keyByteCount else { return nil }
            encryption = HMAC(key: HMAC.sha256(key: key, Array("ties field encryption".utf8)))
            authentication = HMAC(key: HMAC.sha256(key: key, Array("ties field authentication".utf8)))
        }
    }

    /// The sealed form of `value` (its canonical JSON) for `field` of `record`.
    /// `nonce` must be fresh random bytes for every call.
    public static func seal(_ value: JSONValue, record: RecordRef, field: String, keys: Keys, nonce: ArraySlice<UInt8>) -> String {
        precondition(nonce.count == nonceByteCount, "a field cipher nonce of the wrong size")
        var writer = JSONWriter()
        writer.writeValue(value)
        let nonce = Array(nonce)
        let ciphertext = xorKeystream(writer.bytes, key: keys.encryption, nonce: nonce)
        let tag = authenticationTag(record: record, field: field, nonce: nonce, ciphertext: ciphertext, key: keys.authentication)
        return Base64.encode(nonce + ciphertext + tag)
    }

    /// The value `sealed` holds, or nil when it cannot be read with `keys`:
    /// not base64, too short, a tag that does not match (another key, record
    /// or field), or a plaintext that is not one JSON scalar.
    public static func open(_ sealed: String, record: RecordRef, field: String, keys: Keys) -> JSONValue? {
        guard let bytes = Base64.decode(sealed), bytes.count >= nonceByteCount + tagByteCount else { return nil }
        let nonce = Array(bytes[..<nonceByteCount])
        let ciphertext = Array(bytes[nonceByteCount..<(bytes.count - tagByteCount)])
        let tag = Array(bytes[(bytes.count - tagByteCount)...])
        guard constantTimeEqual(tag, authenticationTag(record: record, field: field, nonce: nonce, ciphertext: ciphertext, key: keys.authentication)),
              let value = try? JSONParser.parse(xorKeystream(ciphertext, key: keys.encryption, nonce: nonce)) else { return nil }
        switch value {
        case .array, .object: return nil
        case .null, .bool, .int, .double, .string: return value
        }
    }

    private static func xorKeystream(_ input: [UInt8], key: HMAC, nonce: [UInt8]) -> [UInt8] {
        var output = input
        var counter: UInt32 = 0
        var position = 0
        while position < output.count {
            let counterBytes = (0..<4).map { UInt8(truncatingIfNeeded: counter >> (24 - 8 * UInt32($0))) }
            let block = key.authenticate(nonce, counterBytes)
            for byte in block where position < output.count {
                output[position] ^= byte
                position += 1
            }
            counter &+= 1
        }
        return output
    }

    private static func authenticationTag(record: RecordRef, field: String, nonce: [UInt8], ciphertext: [UInt8], key: HMAC) -> [UInt8] {
        // Lengths first, so no two (record, field) pairs share an encoding.
        let recordBytes = Array(record.description.utf8)
        let fieldBytes = Array(field.utf8)
        return Array(key.authenticate(bigEndian(recordBytes.count), recordBytes, bigEndian(fieldBytes.count), fieldBytes,
                                      nonce, ciphertext).prefix(tagByteCount))
    }

    private static func bigEndian(_ count: Int) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: UInt64(count) >> (56 - 8 * UInt64($0))) }
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
