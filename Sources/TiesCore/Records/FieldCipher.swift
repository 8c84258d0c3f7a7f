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
            // One HMAC of the record key serves both derivations.
            let recordKey = HMAC(key: key)
            encryption = Self.derive("ties field encryption", from: recordKey)
            authentication = Self.derive("ties field authentication", from: recordKey)
        }

        /// HMAC(recordKey, label) as a key, kept on the stack until the HMAC holds its pads.
        private static func derive(_ label: StaticString, from recordKey: HMAC) -> HMAC {
            withUnsafeTemporaryAllocation(byteCount: SHA256.digestByteCount, alignment: 8) { derived in
                recordKey.authenticate(into: derived) { hasher in
                    hasher.update(UnsafeRawBufferPointer(start: label.utf8Start, count: label.utf8CodeUnitCount))
                }
                return HMAC(key: UnsafeRawBufferPointer(derived))
            }
        }
    }

    /// The sealed form of `value` (its canonical JSON) for `field` of `record`.
    /// `nonce` must be fresh random bytes for every call. The nonce, the
    /// ciphertext (encrypted in place) and the tag are written into one buffer.
    public static func seal(_ value: JSONValue, record: RecordRef, field: String, keys: Keys, nonce: ArraySlice<UInt8>) -> String {
        precondition(nonce.count == nonceByteCount, "a field cipher nonce of the wrong size")
        var writer = JSONWriter(capacity: 64)
        writer.writeValue(value)
        let plaintext = writer.bytes
        let ciphertextEnd = nonceByteCount + plaintext.count
        let sealed = [UInt8](unsafeUninitializedCapacity: ciphertextEnd + tagByteCount) { buffer, initialized in
            let out = UnsafeMutableRawBufferPointer(buffer)
            nonce.withUnsafeBytes { out.copyMemory(from: $0) }
            let ciphertext = UnsafeMutableRawBufferPointer(rebasing: out[nonceByteCount..<ciphertextEnd])
            plaintext.withUnsafeBytes { ciphertext.copyMemory(from: $0) }
            applyKeystream(to: ciphertext, nonce: UnsafeRawBufferPointer(rebasing: out[..<nonceByteCount]), key: keys.encryption)
            writeTag(record: record, field: field, nonceAndCiphertext: UnsafeRawBufferPointer(rebasing: out[..<ciphertextEnd]),
                     key: keys.authentication, to: UnsafeMutableRawBufferPointer(rebasing: out[ciphertextEnd...]))
            initialized = ciphertextEnd + tagByteCount
        }
        return Base64.encode(sealed)
    }

    /// The value `sealed` holds, or nil when it cannot be read with `keys`:
    /// not base64, too short, a tag that does not match (another key, record
    /// or field), or a plaintext that is not one JSON scalar.
    public static func open(_ sealed: String, record: RecordRef, field: String, keys: Keys) -> JSONValue? {
        guard var bytes = Base64.decode(sealed), bytes.count >= nonceByteCount + tagByteCount else { return nil }
        let ciphertextEnd = bytes.count - tagByteCount
        let plaintext = bytes.withUnsafeMutableBytes { raw -> [UInt8]? in
            let authentic = withUnsafeTemporaryAllocation(byteCount: tagByteCount, alignment: 8) { tag in
                writeTag(record: record, field: field, nonceAndCiphertext: UnsafeRawBufferPointer(rebasing: raw[..<ciphertextEnd]),
                         key: keys.authentication, to: tag)
                return constantTimeEqual(UnsafeRawBufferPointer(tag), UnsafeRawBufferPointer(rebasing: raw[ciphertextEnd...]))
            }
            guard authentic else { return nil }
            let ciphertext = UnsafeMutableRawBufferPointer(rebasing: raw[nonceByteCount..<ciphertextEnd])
            applyKeystream(to: ciphertext, nonce: UnsafeRawBufferPointer(rebasing: raw[..<nonceByteCount]), key: keys.encryption)
            return Array(ciphertext)
        }
        guard let plaintext, let value = try? JSONParser.parse(plaintext) else { return nil }
        switch value {
        case .array, .object: return nil
        case .null, .bool, .int, .double, .string: return value
        }
    }

    /// XORs `data` in place with the keystream HMAC(key, nonce ‖ counter),
    /// the counter 32-bit big-endian from 0.
    private static func applyKeystream(to data: UnsafeMutableRawBufferPointer, nonce: UnsafeRawBufferPointer, key: HMAC) {
        withUnsafeTemporaryAllocation(byteCount: SHA256.digestByteCount, alignment: 8) { block in
            var counter: UInt32 = 0
            var position = 0
            while position < data.count {
                key.authenticate(into: block) { hasher in
                    hasher.update(nonce)
                    withUnsafeBytes(of: counter.bigEndian) { hasher.update($0) }
                }
                let end = min(position + SHA256.digestByteCount, data.count)
                for index in position..<end { data[index] ^= block[index - position] }
                position = end
                counter &+= 1
            }
        }
    }

    /// The first 16 bytes of HMAC(macKey, len(record) ‖ record ‖ len(field) ‖ field ‖ nonce ‖ ciphertext),
    /// written to `output`. Lengths first, so no two (record, field) pairs share an encoding.
    private static func writeTag(record: RecordRef, field: String, nonceAndCiphertext: UnsafeRawBufferPointer, key: HMAC,
                                 to output: UnsafeMutableRawBufferPointer) {
        withUnsafeTemporaryAllocation(byteCount: SHA256.digestByteCount, alignment: 8) { mac in
            key.authenticate(into: mac) { hasher in
                // `record` as `TYPE:ID`, fed in its three pieces.
                updateLength(record.type.utf8.count + 1 + record.id.utf8.count, &hasher)
                hasher.update(record.type)
                hasher.update(":")
                hasher.update(record.id)
                updateLength(field.utf8.count, &hasher)
                hasher.update(field)
                hasher.update(nonceAndCiphertext)
            }
            output.copyMemory(from: UnsafeRawBufferPointer(rebasing: mac[..<tagByteCount]))
        }
    }

    /// A byte count as the 64-bit big-endian number the tag's encoding uses.
    private static func updateLength(_ count: Int, _ hasher: inout SHA256) {
        withUnsafeBytes(of: UInt64(count).bigEndian) { hasher.update($0) }
    }

    private static func constantTimeEqual(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<lhs.count { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
