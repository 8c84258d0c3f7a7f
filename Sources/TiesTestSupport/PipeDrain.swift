import Foundation
import TiesSystem

/// Reads a pipe to its end on a thread of its own, keeping what arrived
/// (so a child never blocks on a full pipe).
public final class PipeDrain: @unchecked Sendable {
    // @unchecked: `data` and `finished` are only touched while holding `lock`.
    private let lock = NSLock()
    private var data = Data()
    private var finished = false
    private let done = DispatchSemaphore(value: 0)
    private let handle: FileHandle

    public init(_ handle: FileHandle) {
        self.handle = handle
        Thread.detachNewThread { [self] in drain() }
    }

    private func drain() {
        let fd = handle.fileDescriptor
        while true {
            var chunk: [UInt8] = []
            // A read error ends the pipe like its end does: the child's output is complete either way.
            guard let count = try? Files.read(fd, appendingTo: &chunk, count: 64 * 1024, path: "child pipe"), count > 0 else { break }
            lock.withLock { data.append(contentsOf: chunk) }
        }
        lock.withLock { finished = true }
        done.signal()
    }

    /// What has arrived so far.
    public var received: Data { lock.withLock { data } }

    /// Waits for end-of-file; false if it did not come within `seconds`.
    public func waitForEnd(seconds: Double) -> Bool {
        if lock.withLock({ finished }) { return true }
        guard done.wait(timeout: .now() + seconds) == .success else { return false }
        done.signal()  // later waits return at once too
        return true
    }

    public var text: String { String(decoding: received, as: UTF8.self) }

    /// The complete (newline-terminated) lines received so far.
    public var completeLines: [String] {
        let text = self.text
        guard let lastNewline = text.lastIndex(of: "\n") else { return [] }
        return text[..<lastNewline].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
