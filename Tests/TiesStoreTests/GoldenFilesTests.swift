import Foundation
import Testing
import TiesCore
import TiesTestExpectations
import TiesTestSupport

/// TiesTestSupport's golden files, which the golden ledger relies on: a
/// mismatch is a failure with a diff, and recording never passes.
@Suite("golden files")
struct GoldenFilesTests {
    @Test("a matching file passes; a changed one fails with a line diff of both documents pretty-printed")
    func mismatchShowsADiff() throws {
        let directory = try TemporaryDirectory("ties-golden-files-")
        defer { directory.cleanUp() }
        try directory.write("answer.json", #"{"b":[1,2],"a":"x"}"# + "\n")
        var same = GoldenFiles(directory: directory.path, mode: .compare)
        same.check("answer.json", json: .object(["a": .string("x"), "b": .array([.int(1), .int(2)])]))
        #expect(same.passed)
        #expect(throws: Never.self) { try same.verify() }

        var changed = GoldenFiles(directory: directory.path, mode: .compare)
        changed.check("answer.json", json: .object(["a": .string("y"), "b": .array([.int(1), .int(2)])]))
        changed.check("missing.json", json: .null)
        #expect(!changed.passed)
        let failure = try #require(throws: GoldenFiles.Failure.self) { try changed.verify() }
        #expect(failure.description.contains("\n-   \"a\": \"x\",\n+   \"a\": \"y\",\n"), "\(failure)")
        #expect(failure.description.contains("missing.json does not exist"), "\(failure)")
    }

    @Test("recording writes every checked file and still fails, so a recording never passes")
    func recordingFails() throws {
        let directory = try TemporaryDirectory("ties-golden-files-")
        defer { directory.cleanUp() }
        try directory.write("old.txt", "before\n")
        var recording = GoldenFiles(directory: directory.path, mode: .record)
        recording.check("old.txt", text: "after\n")
        recording.check("sub/new.json", json: .array([.bool(true)]))
        #expect(!recording.passed)
        #expect(throws: GoldenFiles.Failure.self) { try recording.verify() }
        #expect(try String(contentsOfFile: directory.file("old.txt"), encoding: .utf8) == "after\n")
        #expect(try String(contentsOfFile: directory.file("sub/new.json"), encoding: .utf8) == "[true]\n")

        var comparing = GoldenFiles(directory: directory.path, mode: .compare)
        comparing.check("old.txt", text: "after\n")
        comparing.check("sub/new.json", json: .array([.bool(true)]))
        comparing.expectPassed()
    }

    @Test("a directory that is never rewritten only gains missing files when recording")
    func neverRewritten() throws {
        let directory = try TemporaryDirectory("ties-golden-files-")
        defer { directory.cleanUp() }
        try directory.write("pinned.txt", "format 1\n")
        var recording = GoldenFiles(directory: directory.path, mode: .record, rewritesExisting: false)
        recording.check("pinned.txt", text: "format 2\n")
        recording.check("added.txt", text: "new\n")
        let failure = try #require(throws: GoldenFiles.Failure.self) { try recording.verify() }
        #expect(failure.description.contains("pinned.txt is never rewritten"), "\(failure)")
        #expect(try String(contentsOfFile: directory.file("pinned.txt"), encoding: .utf8) == "format 1\n")
        #expect(try String(contentsOfFile: directory.file("added.txt"), encoding: .utf8) == "new\n")
    }
}
