/// HMAC-SHA256 (RFC 2104), the keyed hash the field cipher is built on:
/// both its keystream and its authentication tag. Tested against RFC 4231.
public struct HMAC: Sendable {
    private static let blockByteCount = 64
    /// SHA-256 after the padded key's inner and outer blocks: a key used
    /// many times pays for those two blocks once.
    private let inner: SHA256
    private let outer: SHA256

    public init(key: [UInt8]) {
        let blockKey = key.count > Self.blockByteCount ? SHA256.digest(key) : key
        (inner, outer) = blockKey.withUnsafeBytes(Self.paddedKeyHashers)
    }

    /// A key in memory the caller owns (the field cipher's derived keys,
    /// on the stack), at most one block long.
    init(key: UnsafeRawBufferPointer) {
        precondition(key.count <= Self.blockByteCount, "a long HMAC key must be hashed first")
        (inner, outer) = Self.paddedKeyHashers(key)
    }

    private static func paddedKeyHashers(_ key: UnsafeRawBufferPointer) -> (inner: SHA256, outer: SHA256) {
        withUnsafeTemporaryAllocation(byteCount: 2 * blockByteCount, alignment: 8) { pads in
            for index in 0..<blockByteCount {
                let byte = index < key.count ? key[index] : 0
                pads[index] = byte ^ 0x36
                pads[blockByteCount + index] = byte ^ 0x5c
            }
            var inner = SHA256()
            inner.update(UnsafeRawBufferPointer(rebasing: pads[..<blockByteCount]))
            var outer = SHA256()
            outer.update(UnsafeRawBufferPointer(rebasing: pads[blockByteCount...]))
            return (inner, outer)
        }
    }

    /// The MAC of the concatenation of `parts`.
    public func authenticate(_ parts: [UInt8]...) -> [UInt8] {
        authenticate(parts: parts)
    }

    func authenticate(parts: [[UInt8]]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: SHA256.digestByteCount) { buffer, initialized in
            authenticate(into: UnsafeMutableRawBufferPointer(buffer)) { hasher in
                for part in parts { hasher.update(part) }
            }
            initialized = SHA256.digestByteCount
        }
    }

    /// The MAC of the message `feed` hashes, written to the first 32 bytes
    /// of `output`: no allocation, for the cipher's several MACs per value.
    func authenticate(into output: UnsafeMutableRawBufferPointer, _ feed: (inout SHA256) -> Void) {
        var inner = self.inner
        feed(&inner)
        var outer = self.outer
        withUnsafeTemporaryAllocation(byteCount: SHA256.digestByteCount, alignment: 8) { innerDigest in
            inner.finalize(into: innerDigest)
            outer.update(UnsafeRawBufferPointer(innerDigest))
        }
        outer.finalize(into: output)
    }

    /// A one-off MAC.
    public static func sha256(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        HMAC(key: key).authenticate(parts: parts)
    }
}
