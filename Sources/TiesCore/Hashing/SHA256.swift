/// SHA-256 (FIPS 180-4).
///
/// Implemented here because Ties takes no package dependencies: CryptoKit
/// does not exist on Linux and swift-crypto would be a dependency. Blocks are
/// compressed straight out of the caller's memory through raw pointers, so
/// hashing large inputs never copies them or touches an array per byte.
public struct SHA256: Sendable {
    public static let digestByteCount = 32

    private typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    /// 64 bytes held inline (not in an array) so the hasher stays a plain
    /// value with no heap allocation or copy-on-write checks.
    private typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    private static let blockByteCount = 64

    private var state: State = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
        0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// Bytes of an incomplete block carried over between `update` calls.
    private var pending: Block = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    /// Total message length in bytes; FIPS 180-4 defines it modulo 2^64 bits.
    private var messageByteCount: UInt64 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        messageByteCount &+= UInt64(remaining)

        if pendingCount > 0 {
            let taken = min(Self.blockByteCount - pendingCount, remaining)
            let offset = pendingCount
            withUnsafeMutableBytes(of: &pending) { buffer in
                buffer.baseAddress?.advanced(by: offset).copyMemory(from: input, byteCount: taken)
            }
            pendingCount += taken
            input += taken
            remaining -= taken
            guard pendingCount == Self.blockByteCount else { return }
            compressPending()
            pendingCount = 0
        }

        let wholeBlocks = remaining / Self.blockByteCount
        if wholeBlocks > 0 {
            Self.compress(&state, blocks: input, count: wholeBlocks)
            input += wholeBlocks * Self.blockByteCount
            remaining -= wholeBlocks * Self.blockByteCount
        }

        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { buffer in
                buffer.baseAddress?.copyMemory(from: input, byteCount: remaining)
            }
            pendingCount = remaining
        }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Hashes the string's UTF-8 encoding.
    public mutating func update(_ string: String) {
        var string = string
        string.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Pads the message as FIPS 180-4 §5.1.1 requires and returns the 32-byte digest.
    public consuming func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.digestByteCount) { buffer, initialized in
            finalize(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = Self.digestByteCount
        }
    }

    /// Writes the 32-byte digest to the start of `output`, allocating
    /// nothing: HMAC and the field cipher finish several hashes per value.
    public consuming func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= Self.digestByteCount, "a SHA-256 digest needs 32 bytes")
        let bitLength = messageByteCount &* 8
        // 0x80, then zeros up to 56 mod 64, then the 64-bit big-endian length.
        let lengthOffset = Self.blockByteCount - 8
        let markerOffset = pendingCount
        withUnsafeMutableBytes(of: &pending) { block in
            block[markerOffset] = 0x80
            for index in (markerOffset + 1)..<Self.blockByteCount { block[index] = 0 }
        }
        if markerOffset >= lengthOffset {
            compressPending()
            pending = (0, 0, 0, 0, 0, 0, 0, 0)
        }
        withUnsafeMutableBytes(of: &pending) { block in
            block.storeBytes(of: bitLength.bigEndian, toByteOffset: lengthOffset, as: UInt64.self)
        }
        compressPending()
        let words = state
        withUnsafeBytes(of: words) { raw in
            for index in 0..<8 {
                let word = raw.load(fromByteOffset: 4 * index, as: UInt32.self)
                output.storeBytes(of: word.bigEndian, toByteOffset: 4 * index, as: UInt32.self)
            }
        }
    }

    private mutating func compressPending() {
        let block = pending
        withUnsafeBytes(of: block) { buffer in
            if let base = buffer.baseAddress { Self.compress(&state, blocks: base, count: 1) }
        }
    }

    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { digest($0) }
    }

    public static func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Lowercase hex of the digest of `bytes`.
    public static func hexDigest(_ bytes: [UInt8]) -> String {
        Hex.encode(digest(bytes))
    }

    /// Round constants: the first 32 bits of the fractional parts of the cube
    /// roots of the first 64 primes (FIPS 180-4 §4.2.2).
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Runs the compression function over `count` consecutive 64-byte blocks.
    /// The 64-word message schedule lives in stack memory reused for every
    /// block. Eight rounds per loop pass, each naming the working variables
    /// in turn, so they are never shuffled from one to the next.
    private static func compress(_ state: inout State, blocks: UnsafeRawPointer, count: Int) {
        roundConstants.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                var (h0, h1, h2, h3, h4, h5, h6, h7) = state
                var block = blocks
                for _ in 0..<count {
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        let x = w[t - 15], y = w[t - 2]
                        let sigma0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
                        let sigma1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
                        w[t] = sigma1 &+ w[t - 7] &+ sigma0 &+ w[t - 16]
                    }

                    var (a, b, c, d, e, f, g, h) = (h0, h1, h2, h3, h4, h5, h6, h7)
                    var bXorC = b ^ c
                    for t in stride(from: 0, to: 64, by: 8) {
                        round(a, b, c, &d, e, f, g, &h, &bXorC, k[t] &+ w[t])
                        round(h, a, b, &c, d, e, f, &g, &bXorC, k[t + 1] &+ w[t + 1])
                        round(g, h, a, &b, c, d, e, &f, &bXorC, k[t + 2] &+ w[t + 2])
                        round(f, g, h, &a, b, c, d, &e, &bXorC, k[t + 3] &+ w[t + 3])
                        round(e, f, g, &h, a, b, c, &d, &bXorC, k[t + 4] &+ w[t + 4])
                        round(d, e, f, &g, h, a, b, &c, &bXorC, k[t + 5] &+ w[t + 5])
                        round(c, d, e, &f, g, h, a, &b, &bXorC, k[t + 6] &+ w[t + 6])
                        round(b, c, d, &e, f, g, h, &a, &bXorC, k[t + 7] &+ w[t + 7])
                    }
                    h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
                    h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
                    block += blockByteCount
                }
                state = (h0, h1, h2, h3, h4, h5, h6, h7)
            }
        }
    }

    /// One round (FIPS 180-4 §6.2.2 step 3) written in place: the new `e`
    /// lands in `d` and the new `a` in `h`; the caller rotates the names.
    /// `choose` and `majority` are the usual equivalent forms with fewer
    /// operations: this round's a ^ b is the next round's b ^ c, carried in
    /// `bXorC`. Σ0 and Σ1 are rotations of rotations, one copy of the word each.
    @inline(__always)
    private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                              _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
                              _ bXorC: inout UInt32, _ constantPlusWord: UInt32) {
        let bigSigma1 = rotr(rotr(rotr(e, 14) ^ e, 5) ^ e, 6)  // rotr 6 ^ rotr 11 ^ rotr 25
        let choose = g ^ (e & (f ^ g))
        let t1 = h &+ bigSigma1 &+ choose &+ constantPlusWord
        let bigSigma0 = rotr(rotr(rotr(a, 9) ^ a, 11) ^ a, 2)  // rotr 2 ^ rotr 13 ^ rotr 22
        let aXorB = a ^ b
        let majority = b ^ (aXorB & bXorC)
        bXorC = aXorB
        d &+= t1
        h = t1 &+ bigSigma0 &+ majority
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x &>> n) | (x &<< (32 &- n))
    }
}
