@testable import TiesHTTP

// Shared helpers of the TiesHTTP tests: feeding bytes to a parser in
// different splits. The seeded generator is TiesTestSupport's.

/// Everything a parser produced from one input: its events in order, then
/// the error that stopped it, if any.
struct ParseOutcome: Equatable, CustomStringConvertible {
    var events: [HTTPParseEvent] = []
    var error: HTTPParseError?

    var requests: [HTTPRequest] {
        events.compactMap { event in
            if case .request(let request) = event { return request }
            return nil
        }
    }

    /// The outcome without `.expectContinue`, which depends on how the
    /// bytes were split (a body that arrived with its head needs no 100).
    var withoutContinues: ParseOutcome {
        ParseOutcome(events: events.filter { $0 != .expectContinue }, error: error)
    }

    var description: String {
        let parts = events.map { event -> String in
            switch event {
            case .expectContinue: return "100-continue"
            case .request(let r): return "\(r.method) \(r.target) body=\(r.body.count)"
            }
        }
        return "events: \(parts) error: \(error.map { "\($0.status) \($0.reason)" } ?? "none")"
    }
}

enum Wire {
    /// A string's bytes; write CRLF as `\r\n` in the literal.
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Feeds `input` in pieces of the given sizes (the rest in one piece),
    /// draining the parser after each append, as a connection would.
    static func parse(
        _ input: [UInt8], pieces: [Int] = [], maxBodyBytes: Int = HTTPLimits.bodyBytesMax
    ) -> ParseOutcome {
        var parser = HTTPRequestParser(maxBodyBytes: maxBodyBytes)
        var outcome = ParseOutcome()
        var offset = 0
        var sizes = pieces[...]
        while offset < input.count {
            let size = min(sizes.popFirst() ?? input.count, input.count - offset)
            parser.append(Array(input[offset..<(offset + size)]))
            offset += size
            guard drain(&parser, into: &outcome) else { return outcome }
        }
        if input.isEmpty { _ = drain(&parser, into: &outcome) }
        return outcome
    }

    static func parse(_ text: String, maxBodyBytes: Int = HTTPLimits.bodyBytesMax) -> ParseOutcome {
        parse(bytes(text), maxBodyBytes: maxBodyBytes)
    }

    /// One byte per `append`, the harshest split.
    static func parseByteByByte(
        _ input: [UInt8], maxBodyBytes: Int = HTTPLimits.bodyBytesMax
    ) -> ParseOutcome {
        parse(input, pieces: Array(repeating: 1, count: input.count), maxBodyBytes: maxBodyBytes)
    }

    /// Calls `next()` until it needs bytes; false once it has thrown. The
    /// loop is bounded so a parser bug shows up as a failure, not a hang.
    static func drain(_ parser: inout HTTPRequestParser, into outcome: inout ParseOutcome) -> Bool {
        for _ in 0..<100_000 {
            do {
                guard let event = try parser.next() else { return true }
                outcome.events.append(event)
            } catch {
                outcome.error = error
                return false
            }
        }
        outcome.error = HTTPParseError(status: -1, reason: "parser did not stop")
        return false
    }

    /// The status the input is refused with, or nil when it is accepted.
    static func status(_ text: String, maxBodyBytes: Int = HTTPLimits.bodyBytesMax) -> Int? {
        parse(text, maxBodyBytes: maxBodyBytes).error?.status
    }

    /// Test names for byte strings that may hold control bytes or be huge.
    static func printable(_ bytes: [UInt8]) -> String {
        let shown = bytes.prefix(60).map { b -> String in
            (0x20..<0x7F).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
        }.joined()
        return bytes.count > 60 ? shown + "…(\(bytes.count) bytes)" : shown
    }
}
