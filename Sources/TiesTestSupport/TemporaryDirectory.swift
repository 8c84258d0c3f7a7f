import Foundation
import Synchronization
import TiesSystem

/// A fresh private directory (`mkdtemp`, mode 0700) under `$TMPDIR` or /tmp.
/// It goes away when `remove()` is called (tests: `defer { directory.cleanUp() }`,
/// which records a failure as an issue), or, as a last resort, when the
/// value is released without that. Removal stops at nothing that vanishes
/// meanwhile (see `Files.removeTree`).
public final class TemporaryDirectory: Sendable {
    public let path: String
    /// Whether `remove()` has run; a `Mutex` because a directory may be
    /// shared with the threads of a test.
    private let removed = Mutex(false)

    /// A new directory named `prefix` + six random characters, in `parent`
    /// (default: `$TMPDIR`, else /tmp).
    public init(_ prefix: String = "ties-tests-", in parent: String? = nil) throws {
        let environment = ProcessInfo.processInfo.environment
        let parent = parent ?? Files.temporaryParent(environment: environment)
        path = try Files.makeTemporaryDirectory(under: parent, prefix: prefix)
    }

    /// /dev/shm where it can be written (memory, no disk: for tests that
    /// make thousands of files), otherwise nil (the default place).
    public static var memoryBacked: String? {
        FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : nil
    }

    deinit {
        // A test that removes its directory has already done so; one that
        // did not (a fixture shared by several tests) at least leaves no litter.
        if !removed.withLock({ $0 }) { try? Files.removeTree(path) }
    }

    /// A path inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }

    /// A new, empty subdirectory (for tests that need many ledgers); returns its path.
    public func subdirectory(_ name: String) throws -> String {
        let sub = file(name)
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        return sub
    }

    /// Writes `text` to a file in the directory; returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// The names in the directory, sorted.
    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    /// Removes the directory and everything in it, once (later calls do
    /// nothing). Throws what a removal really failed on; a file that
    /// disappears while the tree is walked is not a failure.
    public func remove() throws {
        let first = removed.withLock { removed in
            defer { removed = true }
            return !removed
        }
        if first { try Files.removeTree(path) }
    }
}
