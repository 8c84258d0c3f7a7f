import Glibc

/// The calling thread's own scheduling.
public enum CurrentThread {
    /// Gives the calling thread the nice value `niceness`, so its work
    /// yields the CPU to the process's other threads when both want it,
    /// and still runs when the CPU is free. On Linux the nice value is a
    /// thread's own, and `setpriority(PRIO_PROCESS, 0, …)` sets the calling
    /// thread's (setpriority(2), NOTES). Answers the `errno` when the
    /// kernel refuses, nil on success; the priority is then as it was.
    public static func setNiceness(_ niceness: Int32) -> Int32? {
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) == 0 ? nil : errno
    }

    /// Names the calling thread for the kernel (`ps -L`, `/proc/…/comm`):
    /// Foundation's `Thread.name` does not reach it on Linux. Written to
    /// `/proc/thread-self/comm`, up to the kernel's 15 bytes; answers the
    /// `errno` when that fails (the thread keeps its name), nil on success.
    public static func setName(_ name: String) -> Int32? {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        let bytes = Array(name.utf8.prefix(15))
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count ? nil : errno
    }
}
