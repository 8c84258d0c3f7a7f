import Foundation
import Glibc
import TiesStore

/// The benchmark's few direct uses of the OS, kept in one file: writing the
/// workload, reading /proc, the working directory. (The ledger's own
/// syscalls are TiesStore's; the clock and stdout/stderr come from there.)
enum BenchSystem {
    static func nowNs() -> UInt64 { ProcessInfoLite.monotonicNanoseconds() }

    static func progress(_ message: String) {
        StandardStream.error.write("ties-bench: \(message)\n")
    }

    /// /proc files are small; anything past this is not the file we expect.
    static let procFileBytesMax = 1 << 20

    /// Reads a small file whole, or nil if it cannot be read.
    static func readSmallFile(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: procFileBytesMax) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The value of a `Name: value` line of a /proc file.
    static func procField(_ name: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// VmHWM: the process's peak resident set, in KiB.
    static func peakResidentKiB() -> Int? {
        guard let status = readSmallFile("/proc/self/status"), let field = procField("VmHWM", in: status) else { return nil }
        return Int(field.split(separator: " ").first ?? "")
    }

    /// Bytes this process has handed to write(2) and friends so far
    /// (`wchar` of /proc/self/io): with WAL, what a schema's write
    /// amplification costs shows here first.
    static func bytesWritten() -> Int64 {
        guard let io = readSmallFile("/proc/self/io"), let field = procField("wchar", in: io) else { return 0 }
        return Int64(field) ?? 0
    }

    /// The 1, 5 and 15 minute load averages: on a shared machine, the
    /// first thing to check before trusting a p99.
    static func loadAverage() -> String {
        guard let text = readSmallFile("/proc/loadavg") else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// CPU time and context switches of the whole process so far.
    static func cpuUsage() -> CPUUsage {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return CPUUsage() }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return CPUUsage(userSeconds: seconds(usage.ru_utime), systemSeconds: seconds(usage.ru_stime),
                        voluntarySwitches: Int64(usage.ru_nvcsw), involuntarySwitches: Int64(usage.ru_nivcsw))
    }

    static func fileSize(_ path: String) -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// The working directory: `requested` if it is absent or empty (so that
    /// removing it at the end can only remove what this run made), else a
    /// new one under `$TMPDIR`.
    static func workingDirectory(_ requested: String?) throws(BenchError) -> String {
        guard let requested else {
            do {
                return try ProcessInfoLite.makeTemporaryDirectory(prefix: "ties-bench", environment: ProcessInfo.processInfo.environment)
            } catch {
                throw .failed("cannot create a temporary directory: \(error.message)")
            }
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: requested, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .usage("--dir \(requested) exists and is not a directory") }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: requested)) ?? ["?"]
            guard entries.isEmpty else { throw .usage("--dir \(requested) is not empty; give an absent or empty directory") }
            return requested
        }
        do {
            try FileManager.default.createDirectory(atPath: requested, withIntermediateDirectories: true)
        } catch {
            throw .failed("cannot create \(requested): \(error.localizedDescription)")
        }
        return requested
    }

    /// Removes a file that may not exist (a projection's -wal and -shm).
    static func removeIfPresent(_ path: String) {
        if FileManager.default.fileExists(atPath: path) { remove(path) }
    }

    static func rename(_ from: String, _ to: String) throws(BenchError) {
        do {
            try FileManager.default.moveItem(atPath: from, toPath: to)
        } catch {
            throw .failed("cannot rename \(from) to \(to): \(error.localizedDescription)")
        }
    }

    static func remove(_ directory: String) {
        do {
            try FileManager.default.removeItem(atPath: directory)
        } catch {
            progress("could not remove \(directory): \(error.localizedDescription)")
        }
    }
}

/// `getrusage` of the process; differences of two readings time a phase.
struct CPUUsage: Equatable {
    var userSeconds = 0.0
    var systemSeconds = 0.0
    /// Waits (a lock, a condition, a socket, fdatasync) and preemptions.
    var voluntarySwitches: Int64 = 0
    var involuntarySwitches: Int64 = 0

    var totalSeconds: Double { userSeconds + systemSeconds }

    static func - (a: CPUUsage, b: CPUUsage) -> CPUUsage {
        CPUUsage(userSeconds: a.userSeconds - b.userSeconds, systemSeconds: a.systemSeconds - b.systemSeconds,
                 voluntarySwitches: a.voluntarySwitches - b.voluntarySwitches,
                 involuntarySwitches: a.involuntarySwitches - b.involuntarySwitches)
    }
}

/// A new file written through a buffer, so a million short lines cost a
/// few hundred writes.
final class BufferedFile {
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    static let flushBytes = 1 << 20

    init(creating path: String) throws(BenchError) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw .failed("cannot create \(path)")
        }
        self.path = path
        self.handle = handle
        buffer.reserveCapacity(Self.flushBytes + 4096)
    }

    func appendLine(_ bytes: [UInt8]) throws(BenchError) {
        buffer.append(contentsOf: bytes)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.flushBytes { try flush() }
    }

    func flush() throws(BenchError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw .failed("cannot write \(path): \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes; the workload need not be durable, only complete.
    func close() throws(BenchError) {
        try flush()
        do {
            try handle.close()
        } catch {
            throw .failed("cannot close \(path): \(error.localizedDescription)")
        }
    }
}
