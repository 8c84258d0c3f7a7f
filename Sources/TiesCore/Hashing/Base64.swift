/// Base64 (RFC 4648 §4, standard alphabet, padded), strict: the decoder
/// accepts only what the encoder writes, so one sealed value has one form.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [UInt8: UInt32] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, UInt32($0)) })
    private static let pad = UInt8(ascii: "=")

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group: UInt32 = 0
            for offset in 0..<3 { group = group << 8 | UInt32(offset < count ? bytes[index + offset] : 0) }
            for position in 0..<4 {
                out.append(position <= count ? alphabet[Int(group >> (18 - 6 * UInt32(position)) & 0x3f)] : pad)
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
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
