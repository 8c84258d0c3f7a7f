/// HMAC-SHA256 (RFC 2104), the keyed hash the field cipher is built on:
/// both its keystream and its authentication tag. Tested against RFC 4231.
public struct HMAC: Sendable {
    private static let blockByteCount = 64
    /// SHA-256 after the padded key's inner and outer blocks: a key used
    /// many times pays for those two blocks once.
    private let inner: SHA256
    private let outer: SHA256

    public init(key: [UInt8]) {
        var blockKey = key.count > Self.blockByteCount ? SHA256.digest(key) : key
        blockKey += [UInt8](repeating: 0, count: Self.blockByteCount - blockKey.count)
        var inner = SHA256()
        inner.update(blockKey.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(blockKey.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }

    /// The MAC of the concatenation of `parts`.
    public func authenticate(_ parts: [UInt8]...) -> [UInt8] {
        authenticate(parts: parts)
    }

    func authenticate(parts: [[UInt8]]) -> [UInt8] {
        var inner = self.inner
        for part in parts { inner.update(part) }
        var outer = self.outer
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// A one-off MAC.
    public static func sha256(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        HMAC(key: key).authenticate(parts: parts)
    }
}
