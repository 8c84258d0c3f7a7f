import Testing
import TiesTestSupport

// The Swift Testing side of TiesTestSupport, for test targets only (the
// bench links TiesTestSupport, never a test framework): what cannot be
// thrown from a `defer` or is better reported one issue per finding.

extension TemporaryDirectory {
    /// Removes the directory; a failure (other than files vanishing
    /// meanwhile, which is not one) is recorded as an issue of the running test.
    public func cleanUp(sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try remove()
        } catch {
            Issue.record("could not remove the test directory \(path): \(error)", sourceLocation: sourceLocation)
        }
    }
}

extension GoldenFiles {
    /// Records an issue for each failed check, with its diff; when
    /// recording, one for each file written and one saying so, so that a
    /// recording run never passes.
    public func expectPassed(sourceLocation: SourceLocation = #_sourceLocation) {
        guard !passed else { return }
        for message in failureMessages {
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }
}

extension FuzzInputs {
    /// Runs `check` on each kept input of `target` (name, bytes), after
    /// recording an issue if fewer than `atLeast` are kept: a replay of
    /// nothing would pass whatever the parsers do.
    public static func replay(_ target: String, atLeast: Int, sourceLocation: SourceLocation = #_sourceLocation,
                              _ check: (String, [UInt8]) throws -> Void) throws {
        let inputs = try all(target)
        #expect(inputs.count >= atLeast, "\(inputs.count) inputs kept for \(target)", sourceLocation: sourceLocation)
        for (name, bytes) in inputs { try check(name, bytes) }
    }
}
