import Foundation

/// The inputs kept for a fuzz target (`.ci/fuzz`): its seeds and every
/// crasher ever found, which the normal test suite replays so that a fixed
/// crash stays fixed.
public enum FuzzInputs {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Tests/Fuzz").standardized.path

    /// (file name, bytes) of `Tests/Fuzz/Seeds/TARGET` and `Tests/Fuzz/Regressions/TARGET`.
    public static func all(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        var inputs: [(String, [UInt8])] = []
        for kind in ["Seeds", "Regressions"] {
            let directory = "\(root)/\(kind)/\(target)"
            guard FileManager.default.fileExists(atPath: directory) else { continue }
            for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
                guard let data = FileManager.default.contents(atPath: "\(directory)/\(name)") else { continue }
                inputs.append(("\(kind)/\(target)/\(name)", [UInt8](data)))
            }
        }
        return inputs
    }
}
