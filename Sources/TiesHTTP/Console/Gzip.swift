import TiesCore

/// A gzip (RFC 1952) encoder of our own, for the `gzip` content coding of
/// the console's files: Foundation on Linux compresses nothing, and Ties
/// takes no dependencies. The stream is one DEFLATE (RFC 1951) block with
/// the fixed Huffman codes over LZ77 matches found by hash chains — a
/// third of the size of plain text, without the code for dynamic tables,
/// which would buy little more on files this small.
///
/// Compressing is slow next to zlib (it runs once per file, on first use);
/// decoding is any client's standard gzip. `GzipTests` decodes its output
/// with gzip(1) and compares.
public enum Gzip {
    /// The gzip member holding `input`.
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        // ID1 ID2, CM = deflate, no flags, no time, no extra flags, OS = Unix.
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]
        out += Deflate.fixedHuffmanBlock(input)
        appendLittleEndian(CRC32.checksum(input), to: &out)
        appendLittleEndian(UInt32(truncatingIfNeeded: input.count), to: &out)
        return out
    }

    private static func appendLittleEndian(_ value: UInt32, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}

/// The DEFLATE side of `Gzip`: LZ77 matching and the fixed Huffman codes.
enum Deflate {
    /// The window a distance may reach back into, and the match bounds, of RFC 1951.
    static let windowBytes = 32 * 1024
    static let matchBytesMin = 3
    static let matchBytesMax = 258
    /// Earlier positions tried per match: more finds longer matches, slower.
    static let chainLengthMax = 128
    static let hashBits = 15

    static let lengthBases: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtraBits: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBases: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                       4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtraBits: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// `input` as one final block (BFINAL = 1, BTYPE = 01).
    static func fixedHuffmanBlock(_ input: [UInt8]) -> [UInt8] {
        var bits = BitWriter()
        bits.write(1, count: 1)
        bits.write(1, count: 2)
        var matcher = Matcher(input)
        var position = 0
        while position < input.count {
            if let match = matcher.longestMatch(at: position) {
                writeLength(match.length, to: &bits)
                writeDistance(match.distance, to: &bits)
                for skipped in position..<(position + match.length) { matcher.insert(skipped) }
                position += match.length
            } else {
                writeSymbol(Int(input[position]), to: &bits)
                matcher.insert(position)
                position += 1
            }
        }
        writeSymbol(256, to: &bits)
        return bits.finished()
    }

    /// A literal/length symbol in the fixed code (RFC 1951 §3.2.6).
    static func writeSymbol(_ symbol: Int, to bits: inout BitWriter) {
        switch symbol {
        case 0...143: bits.writeHuffman(0x30 + symbol, count: 8)
        case 144...255: bits.writeHuffman(0x190 + symbol - 144, count: 9)
        case 256...279: bits.writeHuffman(symbol - 256, count: 7)
        default: bits.writeHuffman(0xC0 + symbol - 280, count: 8)
        }
    }

    static func writeLength(_ length: Int, to bits: inout BitWriter) {
        let code = lengthBases.lastIndex { $0 <= length } ?? 0
        writeSymbol(257 + code, to: &bits)
        bits.write(length - lengthBases[code], count: lengthExtraBits[code])
    }

    static func writeDistance(_ distance: Int, to bits: inout BitWriter) {
        let code = distanceBases.lastIndex { $0 <= distance } ?? 0
        bits.writeHuffman(code, count: 5)
        bits.write(distance - distanceBases[code], count: distanceExtraBits[code])
    }

    /// Finds earlier occurrences of the bytes at a position: `head` holds
    /// the last position of each 3-byte hash, `previous` chains back
    /// through the window.
    struct Matcher {
        let input: [UInt8]
        var head: [Int]
        var previous: [Int]

        init(_ input: [UInt8]) {
            self.input = input
            head = Array(repeating: -1, count: 1 << Deflate.hashBits)
            previous = Array(repeating: -1, count: Deflate.windowBytes)
        }

        func hash(_ position: Int) -> Int {
            let value = Int(input[position]) << 10 ^ Int(input[position + 1]) << 5 ^ Int(input[position + 2])
            return value & ((1 << Deflate.hashBits) - 1)
        }

        mutating func insert(_ position: Int) {
            guard position + Deflate.matchBytesMin <= input.count else { return }
            let key = hash(position)
            previous[position % Deflate.windowBytes] = head[key]
            head[key] = position
        }

        func longestMatch(at position: Int) -> (length: Int, distance: Int)? {
            guard position + Deflate.matchBytesMin <= input.count else { return nil }
            let limit = min(Deflate.matchBytesMax, input.count - position)
            var best: (length: Int, distance: Int)?
            var candidate = head[hash(position)]
            var tries = 0
            while candidate >= 0, position - candidate <= Deflate.windowBytes, tries < Deflate.chainLengthMax {
                var length = 0
                while length < limit && input[candidate + length] == input[position + length] { length += 1 }
                if length >= Deflate.matchBytesMin && length > (best?.length ?? 0) {
                    best = (length, position - candidate)
                    if length == limit { break }
                }
                let next = previous[candidate % Deflate.windowBytes]
                // A slot overwritten by a newer position no longer leads back.
                guard next < candidate else { break }
                candidate = next
                tries += 1
            }
            return best
        }
    }

    /// Packs bits least significant first, as DEFLATE stores them.
    struct BitWriter {
        var bytes: [UInt8] = []
        var buffer: UInt64 = 0
        var count = 0

        mutating func write(_ value: Int, count bitCount: Int) {
            buffer |= UInt64(value) << UInt64(count)
            count += bitCount
            while count >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                count -= 8
            }
        }

        /// Huffman codes go most significant bit first.
        mutating func writeHuffman(_ code: Int, count bitCount: Int) {
            var reversed = 0
            for bit in 0..<bitCount { reversed |= (code >> bit & 1) << (bitCount - 1 - bit) }
            write(reversed, count: bitCount)
        }

        mutating func finished() -> [UInt8] {
            if count > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
            return bytes
        }
    }
}
