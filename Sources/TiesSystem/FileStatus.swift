import Glibc

/// What `stat` says about a path.
public struct FileStatus: Sendable, Equatable {
    public var isDirectory: Bool
    public var size: Int64
    /// Inode, size and modification time: what changes when a file is
    /// written or replaced, for caches that must notice.
    public var signature: [Int64]

    public init(isDirectory: Bool, size: Int64, signature: [Int64]) {
        self.isDirectory = isDirectory
        self.size = size
        self.signature = signature
    }
}
