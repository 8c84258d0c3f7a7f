import Foundation
import Testing
@testable import TiesHTTP
import TiesTestSupport

/// Our gzip encoder against a reference decoder: gzip(1) must give back
/// exactly the input, and text must come out well under half its size
/// (LZ77 matches found and coded, not just stored).
struct GzipTests {
    /// The bytes gzip(1) decodes from `compressed` (its standard input).
    static func referenceDecompress(_ compressed: [UInt8]) throws -> [UInt8] {
        let child = try ChildProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "exec gzip -dc"], stdin: Data(compressed))
        let finished = child.wait(seconds: 60)
        try #require(finished && child.exitedNormally && child.status == 0, "\(child.summary)")
        return [UInt8](child.stdout.received)
    }

    static let inputs: [(name: String, bytes: [UInt8])] = {
        var random = SplitMix64(seed: 7)
        let noise = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let words = (0..<5_000).map { "w\($0 % 97) " }.joined()
        return [
            ("empty", []),
            ("one byte", [0x41]),
            ("every byte value", (0...255).map(UInt8.init)),
            ("a run of one byte past the longest match", Array(repeating: 0x61, count: 1_000)),
            ("random bytes past the window", noise),
            ("repeated words", Array(words.utf8)),
            ("a long text that repeats past the window", Array(String(repeating: "The quick brown fox jumps. ", count: 3_000).utf8) + noise.prefix(100)),
        ]
    }()

    @Test("gzip(1) decodes our output back to the input", arguments: inputs.indices)
    func referenceDecodesOutput(index: Int) throws {
        let input = Self.inputs[index].bytes
        let compressed = Gzip.compress(input)
        #expect(try Self.referenceDecompress(compressed) == input, "\(Self.inputs[index].name)")
    }

    @Test("Every console file survives gzip, and together they shrink to under half")
    func consoleFilesShrink() throws {
        var (plain, compressedTotal) = (0, 0)
        for (name, asset) in Console.assets {
            let compressed = Gzip.compress(asset.identity.bytes)
            #expect(try Self.referenceDecompress(compressed) == asset.identity.bytes, "\(name)")
            plain += asset.identity.bytes.count
            compressedTotal += compressed.count
        }
        #expect(compressedTotal * 2 < plain, "\(compressedTotal) of \(plain) bytes")
    }
}
