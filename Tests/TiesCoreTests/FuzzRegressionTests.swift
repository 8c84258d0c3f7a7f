import Testing
import TiesCore
import TiesTestExpectations
import TiesTestSupport

/// Replays the kept inputs of the fuzz targets on TiesCore's decoders
/// (Tests/Fuzz/FuzzTargets.swift states the same properties).
@Suite struct FuzzRegressionTests {
    @Test("JSON that parses encodes canonically and parses back to the same value")
    func json() throws {
        try FuzzInputs.replay("json", atLeast: 10) { name, bytes in
            guard let value = try? JSONParser.parse(bytes, maxDepth: Limits.jsonDepthMax) else { return }
            #expect((try? JSONParser.parse(value.encodedBytes, maxDepth: Limits.jsonDepthMax)) == value, "\(name)")
        }
    }

    @Test("log lines open as commits whose events are where the codec says, or are refused")
    func commitLines() throws {
        var opened = 0
        try FuzzInputs.replay("commit-line", atLeast: 10) { name, bytes in
            guard let sealed = try? CommitCodec.open(bytes) else { return }
            opened += 1
            #expect(CommitCodec.eventRanges(of: sealed.commit, in: sealed.line)?.count == sealed.commit.events.count, "\(name)")
        }
        #expect(opened >= 10, "the golden lines are among the seeds")
    }

    @Test("operation lines decode or are refused with an error")
    func operations() throws {
        var decoded = 0
        try FuzzInputs.replay("operation", atLeast: 5) { _, bytes in
            guard let value = try? JSONParser.parse(bytes, maxDepth: Limits.jsonDepthMax) else { return }
            if (try? OperationDecoding.decode(value)) != nil { decoded += 1 }
        }
        #expect(decoded >= 5, "the documented examples are among the seeds")
    }
}
