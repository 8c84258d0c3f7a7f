/// Ties compares and orders text the way SQLite and the log do: byte for byte. Swift's
/// `String ==` treats canonically equivalent spellings ("é" as one scalar or
/// as "e" + U+0301) as equal, which would make the decider and the
/// projection disagree about whether two record IDs are the same link.
///
/// The bytes are read from the strings' contiguous UTF-8 (what native
/// strings hold), not through `String.UTF8View`'s iterator, which costs
/// several calls per byte: these run inside every dictionary lookup and
/// sort of records.
extension String {
    @inline(__always)
    func utf8Equals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return withUTF8Bytes(self) { lhs in
            withUTF8Bytes(other) { rhs in firstDifference(lhs, rhs) == nil }
        }
    }

    @inline(__always)
    func hashUTF8(into hasher: inout Hasher) {
        withUTF8Bytes(self) { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(utf8.count)
    }
}

/// Byte-wise string order: the same on every platform and Unicode version.
@inline(__always)
public func utf8Less(_ lhs: String, _ rhs: String) -> Bool {
    withUTF8Bytes(lhs) { lhsBytes in
        withUTF8Bytes(rhs) { rhsBytes in
            guard let index = firstDifference(lhsBytes, rhsBytes) else { return lhsBytes.count < rhsBytes.count }
            return lhsBytes[index] < rhsBytes[index]
        }
    }
}

/// Runs `body` over the string's UTF-8 in contiguous memory (a native
/// string's own storage; a bridged one is made native first, on a copy).
@inline(__always)
func withUTF8Bytes<Result>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    var string = string
    return string.withUTF8(body)
}

/// The first index below both counts where the bytes differ, nil when one
/// is a prefix of the other.
@inline(__always)
func firstDifference(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Int? {
    for index in 0..<min(lhs.count, rhs.count) where lhs[index] != rhs[index] { return index }
    return nil
}
