import TiesStore
import TiesSystem

/// A new file written through a buffer, so a million short lines cost a
/// few hundred writes.
final class BufferedFile {
    let path: String
    private let fd: Int32
    private var offset: Int64 = 0
    private var buffer: [UInt8] = []
    static let flushBytes = 1 << 20

    init(creating path: String) throws(BenchError) {
        do {
            fd = try Files.open(path, .createNew)
        } catch {
            throw .failed("cannot create \(path): \(error)")
        }
        self.path = path
        buffer.reserveCapacity(Self.flushBytes + 4096)
    }

    deinit { Files.close(fd) }

    func appendLine(_ bytes: [UInt8]) throws(BenchError) {
        buffer.append(contentsOf: bytes)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.flushBytes { try flush() }
    }

    func flush() throws(BenchError) {
        guard !buffer.isEmpty else { return }
        do {
            try Files.pwriteAll(fd, buffer, at: offset, path: path)
        } catch {
            throw .failed("cannot write \(path): \(error)")
        }
        offset += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes; the workload need not be durable, only complete. The
    /// descriptor closes with the object.
    func close() throws(BenchError) {
        try flush()
    }
}
