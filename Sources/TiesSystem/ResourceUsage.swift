import Glibc

/// `getrusage` of the whole process; differences of two readings time a phase.
public struct ResourceUsage: Sendable, Equatable {
    public var userSeconds = 0.0
    public var systemSeconds = 0.0
    /// Waits (a lock, a condition, a socket, fdatasync) and preemptions.
    public var voluntarySwitches: Int64 = 0
    public var involuntarySwitches: Int64 = 0

    public init() {}

    public var totalSeconds: Double { userSeconds + systemSeconds }

    /// This process's usage so far (zeros if the kernel will not say).
    public static func current() -> ResourceUsage {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return ResourceUsage() }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        var reading = ResourceUsage()
        reading.userSeconds = seconds(usage.ru_utime)
        reading.systemSeconds = seconds(usage.ru_stime)
        reading.voluntarySwitches = Int64(usage.ru_nvcsw)
        reading.involuntarySwitches = Int64(usage.ru_nivcsw)
        return reading
    }

    public static func - (a: ResourceUsage, b: ResourceUsage) -> ResourceUsage {
        var difference = ResourceUsage()
        difference.userSeconds = a.userSeconds - b.userSeconds
        difference.systemSeconds = a.systemSeconds - b.systemSeconds
        difference.voluntarySwitches = a.voluntarySwitches - b.voluntarySwitches
        difference.involuntarySwitches = a.involuntarySwitches - b.involuntarySwitches
        return difference
    }

}
