import Glibc

/// Cryptographically secure randomness from the kernel.
public enum Entropy {
    /// `count` random bytes from /dev/urandom.
    public static func bytes(_ count: Int) throws(SystemError) -> [UInt8] {
        let path = "/dev/urandom"
        let fd = try Files.open(path, .readOnlyFollowingLinks)
        defer { Files.close(fd) }
        var bytes: [UInt8] = []
        while bytes.count < count {
            guard try Files.read(fd, appendingTo: &bytes, count: count - bytes.count, path: path) > 0 else {
                throw SystemError("read", path, errno: EIO)
            }
        }
        return bytes
    }
}
