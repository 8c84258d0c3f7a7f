// The libFuzzer entry point for every fuzz target (built by `.ci/fuzz`,
// never by SwiftPM): compiled as one module with TiesCore, the HTTP
// request parser and the CLI argument parser; `TIES_FUZZ_TARGET` picks
// the target. Each target checks a property, not only "no crash": a
// `precondition` that fails is a crasher, kept in Tests/Fuzz/Regressions.
// The normal test suite replays every kept input (FuzzRegressionTests).

import Glibc

/// The target this process fuzzes, read once.
private let selectedTarget: String = {
    guard let name = getenv("TIES_FUZZ_TARGET").map({ String(cString: $0) }), FuzzTarget.all[name] != nil else {
        fatalError("set TIES_FUZZ_TARGET to one of: \(FuzzTarget.all.keys.sorted().joined(separator: ", "))")
    }
    return name
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.all[selectedTarget]?(bytes)
    return 0
}

enum FuzzTarget {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "json": json, "commit-line": commitLine, "operation": operation,
        "http-request": httpRequest, "cli-arguments": cliArguments,
    ]

    /// Whatever parses encodes canonically and parses back to the same value.
    static func json(_ bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes, maxDepth: Limits.jsonDepthMax) else { return }
        let encoded = value.encodedBytes
        guard let again = try? JSONParser.parse(encoded, maxDepth: Limits.jsonDepthMax) else {
            preconditionFailure("the canonical encoding of a parsed value does not parse")
        }
        precondition(again == value, "a parsed value changed on its way through the canonical encoding")
        precondition(again.encodedBytes == encoded, "the canonical encoding is not stable")
    }

    /// A line that opens is a commit whose events are where the codec says.
    static func commitLine(_ bytes: [UInt8]) {
        guard let sealed = try? CommitCodec.open(bytes) else { return }
        precondition(!sealed.commit.events.isEmpty || (sealed.commit.idempotencyKey != nil && sealed.commit.results != nil),
                     "an opened commit without events that is no keyed receipt")
        if let ranges = CommitCodec.eventRanges(of: sealed.commit, in: sealed.line) {
            precondition(ranges.count == sealed.commit.events.count && ranges.allSatisfy { $0.upperBound <= sealed.line.count })
        }
        // A line `seal` would write itself is canonical: its events are found.
        if let resealed = try? CommitCodec.seal(sealed.commit), resealed.line == sealed.line {
            precondition(CommitCodec.eventRanges(of: sealed.commit, in: sealed.line) != nil, "a canonical line whose events are not found")
        }
    }

    /// An operation line either decodes or is refused with an error, and
    /// decoding is a function of the value: the same line decodes the same.
    static func operation(_ bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes, maxDepth: Limits.jsonDepthMax) else { return }
        let first = try? OperationDecoding.decode(value)
        precondition(first == (try? OperationDecoding.decode(value)), "one value decoded two ways")
    }

    /// Bytes fed to the request parser whole, and in two pieces split where
    /// the first byte says, give the same requests and the same refusal,
    /// each request within the limits.
    static func httpRequest(_ bytes: [UInt8]) {
        let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
        let whole = parse([bytes[...]])
        let pieces = parse([bytes[..<split], bytes[split...]])
        precondition(whole.requests == pieces.requests && whole.refused == pieces.refused, "how the bytes arrive changed what was read")
        precondition(whole.requests.allSatisfy { $0.body.count <= 4096 }, "a body over the parser's limit")
    }

    private static func parse(_ pieces: [ArraySlice<UInt8>]) -> (requests: [HTTPRequest], refused: Bool) {
        var parser = HTTPRequestParser(maxBodyBytes: 4096)
        var requests: [HTTPRequest] = []
        for piece in pieces {
            parser.append(Array(piece))
            while true {
                let event: HTTPParseEvent?
                do {
                    event = try parser.next()
                } catch {
                    return (requests, true)  // Refused: the connection would be answered and closed.
                }
                guard let event else { break }  // Needs more bytes.
                if case .request(let request) = event { requests.append(request) }
            }
        }
        return (requests, false)
    }

    /// NUL-separated arguments against a command of every option kind:
    /// parsed or a usage error, and what parses is what was given.
    static func cliArguments(_ bytes: [UInt8]) {
        let arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let spec = CommandSpec(
            name: "fuzz", summary: "every kind of option",
            arguments: [ArgumentSpec(name: "RECORD", help: "a record"), ArgumentSpec(name: "OTHER", help: "another", optional: true)],
            options: [.flag("full", "a flag"), .value("limit", "N", "a value"), .value("set", "K=V", "repeatable", repeatable: true)]
                + CommonOptions.writing)
        guard let parsed = try? ArgumentParser.parse(arguments, for: spec) else { return }
        precondition((1...2).contains(parsed.positionals.count), "positionals outside the spec")
        precondition(parsed.positionals.allSatisfy(arguments.contains), "a positional that was not given")
        _ = try? parsed.integer("limit", in: 1...1000, command: "fuzz")
    }
}
