/// Ties compares and orders text the way SQLite and the log do: byte for byte. Swift's
/// `String ==` treats canonically equivalent spellings ("é" as one scalar or
/// as "e" + U+0301) as equal, which would make the decider and the
/// projection disagree about whether two record IDs are the same link.
extension String {
    @inline(__always)
    func utf8Equals(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }

    @inline(__always)
    func hashUTF8(into hasher: inout Hasher) {
        var copy = self
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(utf8.count)
    }
}

/// Byte-wise string order: the same on every platform and Unicode version.
@inline(__always)
public func utf8Less(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}
