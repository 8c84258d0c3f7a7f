/// HMAC-SHA256 (RFC 2104), the keyed hash the field cipher is built on:
/// both its keystream and its authentication tag. Tested against RFC 4231.
public enum HMAC {
    private static let blockByteCount = 64

    public static func sha256(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        var blockKey = key.count > blockByteCount ? SHA256.digest(key) : key
        blockKey += [UInt8](repeating: 0, count: blockByteCount - blockKey.count)
        var inner = SHA256()
        inner.update(blockKey.map { $0 ^ 0x36 })
        for part in parts { inner.update(part) }
        var outer = SHA256()
        outer.update(blockKey.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }
}
