import Glibc

/// Advisory whole-file locks. `flock` (not `fcntl`) because an fcntl lock
/// vanishes when *any* descriptor of the process to that file is closed.
public enum FileLock {
    /// Takes the exclusive lock without blocking; false when another
    /// process (or another descriptor) holds it.
    public static func tryLockExclusive(_ fd: Int32, path: String) throws(SystemError) -> Bool {
        if retryingOnInterrupt({ flock(fd, LOCK_EX | LOCK_NB) }) == 0 { return true }
        if errno == EWOULDBLOCK { return false }
        throw SystemError("flock", path)
    }

    public static func unlock(_ fd: Int32) {
        _ = flock(fd, LOCK_UN)
    }
}
