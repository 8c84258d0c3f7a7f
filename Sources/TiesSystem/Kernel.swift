import Glibc

/// Which kernel this is, for benchmark reports.
public enum Kernel {
    /// The kernel's name and release (`uname`), e.g. "Linux 6.1.0".
    public static func release() -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "unknown kernel" }
        let release = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let system = withUnsafeBytes(of: &names.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "\(system) \(release)"
    }
}
