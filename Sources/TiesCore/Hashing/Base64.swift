/// Base64 (RFC 4648 §4, standard alphabet, padded), strict: the decoder
/// accepts only what the encoder writes, so one sealed value has one form.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [UInt8: UInt32] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, UInt32($0)) })
    private static let pad = UInt8(ascii: "=")

    /// Writes straight into the string's storage: one allocation, three
    /// bytes to four characters per step.
    public static func encode(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: (bytes.count + 2) / 3 * 4) { out in
            bytes.withUnsafeBufferPointer { input in
                alphabet.withUnsafeBufferPointer { symbols in
                    var written = 0
                    func emit(_ group: UInt32, symbolCount: Int) {
                        for position in 0..<4 {
                            out[written + position] = position < symbolCount ? symbols[Int(group >> (18 - 6 * UInt32(position)) & 0x3f)] : pad
                        }
                        written += 4
                    }
                    var read = 0
                    while read + 3 <= input.count {
                        emit(UInt32(input[read]) << 16 | UInt32(input[read + 1]) << 8 | UInt32(input[read + 2]), symbolCount: 4)
                        read += 3
                    }
                    switch input.count - read {
                    case 1: emit(UInt32(input[read]) << 16, symbolCount: 2)
                    case 2: emit(UInt32(input[read]) << 16 | UInt32(input[read + 1]) << 8, symbolCount: 3)
                    default: break
                    }
                    return written
                }
            }
        }
    }

    /// Nil for anything `encode` would not have written.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        for start in stride(from: 0, to: input.count, by: 4) {
            let chunk = input[start..<(start + 4)]
            let padding = chunk.reversed().prefix { $0 == pad }.count
            guard padding <= 2, start + 4 == input.count || padding == 0 else { return nil }
            var group: UInt32 = 0
            for byte in chunk.prefix(4 - padding) {
                guard let value = values[byte] else { return nil }
                group = group << 6 | value
            }
            group <<= 6 * UInt32(padding)
            let produced = [UInt8(truncatingIfNeeded: group >> 16), UInt8(truncatingIfNeeded: group >> 8), UInt8(truncatingIfNeeded: group)]
            out += produced.prefix(3 - padding)
            // Bits the padding drops must be zero, or two texts would decode alike.
            if padding > 0, produced[3 - padding] != 0 { return nil }
        }
        return out
    }
}
