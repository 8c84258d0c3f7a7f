import CSQLite
import Foundation
import TiesSystem

/// Where a run happened: numbers mean little without the machine, the
/// build and the exact command next to them.
struct MachineInfo {
    var cpuModel: String
    /// CPUs this process may run on, as `nproc` counts them.
    var processors: Int
    var kernel: String
    var sqliteVersion: String
    var build: String
    var commandLine: String
    /// /proc/loadavg when the run started; `loadAtEnd` is filled in last.
    var loadAtStart: String
    var loadAtEnd = ""

    static func current(arguments: [String]) -> MachineInfo {
        let cpuinfo = BenchSystem.readSmallFile("/proc/cpuinfo") ?? ""
        return MachineInfo(
            cpuModel: BenchSystem.procField("model name", in: cpuinfo) ?? "unknown CPU",
            processors: affinityProcessorCount() ?? ProcessInfo.processInfo.activeProcessorCount,
            kernel: Kernel.release(),
            sqliteVersion: String(cString: sqlite3_libversion()),
            build: isDebugBuild ? "debug" : "release",
            commandLine: arguments.map(shellQuoted).joined(separator: " "),
            loadAtStart: BenchSystem.loadAverage())
    }

    static var isDebugBuild: Bool {
        #if DEBUG
        return true
        #else
        return false
        #endif
    }

    /// `nproc` counts the affinity mask, which containers and `taskset`
    /// narrow; /proc/self/status lists it as ranges (`0-3,8`).
    private static func affinityProcessorCount() -> Int? {
        guard let status = BenchSystem.readSmallFile("/proc/self/status"),
              let list = BenchSystem.procField("Cpus_allowed_list", in: status) else { return nil }
        var count = 0
        for range in list.split(separator: ",") {
            let bounds = range.split(separator: "-").compactMap { Int($0) }
            guard let low = bounds.first, let high = bounds.last, bounds.count <= 2, low <= high else { return nil }
            count += high - low + 1
        }
        return count > 0 ? count : nil
    }

    /// Quotes an argument only when a shell would split or expand it, so
    /// the printed command can be pasted back.
    static func shellQuoted(_ argument: String) -> String {
        let safe = argument.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || "-_./=:,+@%".utf8.contains(byte)
        }
        if safe && !argument.isEmpty { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
