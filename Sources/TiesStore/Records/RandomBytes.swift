/// Random bytes read from the kernel in one go, handed out in order: a
/// commit's keys and nonces cost one read, not one per value.
struct RandomBytes {
    private let bytes: [UInt8]
    private var next = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next `count` bytes; the caller asked for enough up front.
    mutating func take(_ count: Int) -> ArraySlice<UInt8> {
        precondition(next + count <= bytes.count, "more random bytes taken than were read")
        defer { next += count }
        return bytes[next..<next + count]
    }
}
