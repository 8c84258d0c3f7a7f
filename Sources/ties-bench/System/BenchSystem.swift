import TiesStore
import TiesSystem

/// What the benchmark asks of the machine beyond the ledger: progress on
/// stderr, /proc readings, its working directory. Every call goes through
/// TiesSystem.
enum BenchSystem {
    static func nowNs() -> UInt64 { SystemClock.monotonicNanoseconds() }
    static func threadCPUNs() -> UInt64 { SystemClock.threadCPUNanoseconds() }

    static func progress(_ message: String) {
        StandardStream.error.write("ties-bench: \(message)\n")
    }

    /// /proc files are small (cpuinfo of a 512-CPU machine is about 1 MiB);
    /// anything past this is not the file we expect.
    static let procFileBytesMax = 16 << 20

    /// Reads a small file whole, or nil if it cannot be read.
    static func readSmallFile(_ path: String) -> String? {
        guard let bytes = try? Files.readWhole(path, bytesMax: procFileBytesMax) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value of a `Name: value` line of a /proc file.
    static func procField(_ name: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, trimmed(parts[0]) == name {
                return trimmed(parts[1])
            }
        }
        return nil
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    /// VmHWM: the process's peak resident set, in KiB.
    static func peakResidentKiB() -> Int? { statusKiB("VmHWM") }

    /// VmRSS: the process's resident set now, in KiB.
    static func residentKiB() -> Int? { statusKiB("VmRSS") }

    private static func statusKiB(_ name: String) -> Int? {
        guard let status = readSmallFile("/proc/self/status"), let field = procField(name, in: status) else { return nil }
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

    static func fileSize(_ path: String) -> Int64 {
        Files.status(path)?.size ?? 0
    }

    /// The working directory: `requested` if it is absent or empty (so that
    /// removing it at the end can only remove what this run made), else a
    /// new one under `$TMPDIR`.
    static func workingDirectory(_ requested: String?, environment: [String: String]) throws(BenchError) -> String {
        guard let requested else {
            do {
                return try Files.makeTemporaryDirectory(under: Files.temporaryParent(environment: environment), prefix: "ties-bench")
            } catch {
                throw .failed("cannot create a temporary directory: \(error)")
            }
        }
        if let status = Files.status(requested) {
            guard status.isDirectory else { throw .usage("--dir \(requested) exists and is not a directory") }
            let entries = (try? Files.listDirectory(requested)) ?? ["?"]
            guard entries.isEmpty else { throw .usage("--dir \(requested) is not empty; give an absent or empty directory") }
            return requested
        }
        do {
            var prefix = requested.hasPrefix("/") ? "/" : ""
            for component in requested.split(separator: "/") {
                prefix += component
                try Files.makeDirectory(prefix)
                prefix += "/"
            }
        } catch {
            throw .failed("cannot create \(requested): \(error)")
        }
        return requested
    }

    /// Removes a file that may not exist (a projection's -wal and -shm).
    static func removeIfPresent(_ path: String) {
        do {
            try Files.unlink(path)
        } catch {
            progress("could not remove \(path): \(error)")
        }
    }

    static func rename(_ from: String, _ to: String) throws(BenchError) {
        do {
            try Files.rename(from, to)
        } catch {
            throw .failed("cannot rename \(from) to \(to): \(error)")
        }
    }

    static func remove(_ directory: String) {
        do {
            try Files.removeTree(directory)
        } catch {
            progress("could not remove \(directory): \(error)")
        }
    }
}
