import TiesCore
import TiesSystem

/// Reads newline-separated lines from a file or standard input, each at
/// most `lineBytesMax` long, in bounded memory.
public final class LineReader {
    public let name: String
    /// The input's size when it is a regular file, for done/total progress.
    public let totalBytes: Int64?
    public private(set) var bytesRead: Int64 = 0
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let lineBytesMax: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var endOfInput = false
    static let chunkBytes = 1 << 20

    /// Opens `path`, or standard input for `-`.
    public init(path: String, lineBytesMax: Int = Limits.operationLineBytesMax) throws(LedgerError) {
        if path == "-" {
            fd = StandardStream.input.descriptor
            ownsDescriptor = false
            name = "standard input"
        } else {
            fd = try withSystemCall { () throws(SystemError) in try Files.open(path, .readOnlyFollowingLinks) }
            ownsDescriptor = true
            name = path
        }
        totalBytes = Files.regularFileSize(fd)
        self.lineBytesMax = lineBytesMax
    }

    deinit {
        if ownsDescriptor { Files.close(fd) }
    }

    /// The next line without `\n` (or `\r\n`); nil at the end. A line longer
    /// than the limit is an `invalid_field` error.
    public func nextLine() throws(LedgerError) -> ArraySlice<UInt8>? {
        // Bytes after `start` already searched; relative, because filling compacts the buffer.
        var searched = 0
        while true {
            if let newline = buffer[(start + searched)...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return try checked(buffer[start..<newline])
            }
            searched = buffer.count - start
            if endOfInput {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return try checked(buffer[start...])
            }
            if buffer.count - start > lineBytesMax { try tooLong() }
            try fill()
        }
    }

    private func checked(_ line: ArraySlice<UInt8>) throws(LedgerError) -> ArraySlice<UInt8> {
        if line.count > lineBytesMax { try tooLong() }
        return line.last == UInt8(ascii: "\r") ? line.dropLast() : line
    }

    private func tooLong() throws(LedgerError) -> Never {
        throw LedgerError(.invalidField, "the line is longer than \(lineBytesMax) bytes")
    }

    private func fill() throws(LedgerError) {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        let read = try withSystemCall { () throws(SystemError) in try Files.read(fd, appendingTo: &buffer, count: Self.chunkBytes, path: name) }
        bytesRead += Int64(read)
        if read == 0 { endOfInput = true }
    }
}
