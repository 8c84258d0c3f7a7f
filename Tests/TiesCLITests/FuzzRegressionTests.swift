import Testing
@testable import TiesCLI
import TiesTestExpectations
import TiesTestSupport

/// Replays the inputs kept for the `cli-arguments` libFuzzer target
/// (NUL-separated arguments) against every command's real specification:
/// each parses or is a usage error, and what parses was given.
@Suite struct CLIFuzzRegressionTests {
    @Test("kept argument vectors parse or are usage errors for every command")
    func keptArgumentVectors() throws {
        var parsed = 0
        try FuzzInputs.replay("cli-arguments", atLeast: 5) { name, bytes in
            let arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            for command in CLI.commands {
                guard let result = try? ArgumentParser.parse(arguments, for: command.spec) else { continue }
                parsed += 1
                #expect(result.positionals.allSatisfy(arguments.contains), "\(name) for \(command.spec.name)")
                #expect(result.positionals.count <= command.spec.arguments.count, "\(name) for \(command.spec.name)")
            }
        }
        #expect(parsed > 0, "some vectors fit some command")
    }
}
