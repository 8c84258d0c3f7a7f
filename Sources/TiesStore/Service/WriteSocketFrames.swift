import TiesCore
import TiesSystem

/// The framing of the write socket: each message is its length (4 bytes,
/// big-endian) and then that many bytes of JSON (`WriteSocketMessages`).
/// A length says from the start how much will come, so a reader never
/// guesses where a message ends and refuses one too large before reading it.
enum WriteSocketFrames {
    enum Read: Equatable {
        case frame([UInt8])
        /// The peer closed before a frame began.
        case closed
        /// Nothing began within the first wait, or the rest did not come in time.
        case timedOut
        /// The connection broke, or closed in the middle of a frame.
        case failed
        /// The frame announced more than `Limits.writeSocketFrameBytesMax`.
        case tooLarge(Int)
    }

    /// Reads one frame: its first byte within `firstByteMs` (how long a
    /// connection may be idle), the rest within `restMs` of each other.
    static func read(_ fd: Int32, firstByteMs: Int, restMs: Int, timeouts: inout Socket.Timeouts) -> Read {
        var header: [UInt8] = []
        switch receive(fd, count: 4, into: &header, firstByteMs: firstByteMs, restMs: restMs, timeouts: &timeouts) {
        case .frame: break
        case let other: return other
        }
        let length = header.reduce(0) { $0 << 8 | Int($1) }
        guard length <= Limits.writeSocketFrameBytesMax else { return .tooLarge(length) }
        var body: [UInt8] = []
        body.reserveCapacity(length)
        switch receive(fd, count: length, into: &body, firstByteMs: restMs, restMs: restMs, timeouts: &timeouts) {
        case .frame: return .frame(body)
        case .closed: return .failed
        case let other: return other
        }
    }

    /// Sends one frame; false when the connection broke or the send timed out.
    static func write(_ fd: Int32, _ bytes: [UInt8], timeoutMs: Int, timeouts: inout Socket.Timeouts) -> Bool {
        let length = UInt32(bytes.count)
        let header: [UInt8] = [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        return Socket.send(fd, header + bytes, timeoutMs: timeoutMs, timeouts: &timeouts)
    }

    /// Appends exactly `count` bytes to `buffer` (`.frame([])` when done).
    private static func receive(_ fd: Int32, count: Int, into buffer: inout [UInt8], firstByteMs: Int, restMs: Int,
                                timeouts: inout Socket.Timeouts) -> Read {
        let target = buffer.count + count
        while buffer.count < target {
            let waitMs = buffer.isEmpty ? firstByteMs : restMs
            switch Socket.receive(fd, maxBytes: min(target - buffer.count, 256 * 1024), timeoutMs: waitMs, timeouts: &timeouts) {
            case .bytes(let bytes): buffer.append(contentsOf: bytes)
            case .closed: return buffer.isEmpty ? .closed : .failed
            case .timedOut: return .timedOut
            case .failed: return .failed
            }
        }
        return .frame([])
    }
}
