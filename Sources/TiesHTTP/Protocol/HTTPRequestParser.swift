// The HTTP/1.1 request parser: bytes in, requests or a refusal out. The
// contract and its caveats are on `HTTPRequestParser`.

/// An incremental, strict HTTP/1.1 request parser (RFC 9112) over raw bytes.
/// Feed it what the socket delivers with `append`, then call `next()` until
/// it returns nil. How the bytes are split never changes the requests or
/// the error that come out, only whether a body still owed needs a 100.
///
/// Caveats, read before use:
/// - Strictness is the point. Anything two parsers could read differently
///   (bare CR or LF, obs-fold, whitespace before a colon, two Content-Lengths,
///   Content-Length with Transfer-Encoding, odd chunk sizes) is refused, so
///   a proxy in front of us can never disagree about where a request ends;
///   nor about who sent it: two Authorization fields are refused too, where
///   one reader would take the first and another the last.
/// - Every error is final: after a throw, `next()` throws the same error
///   again and `append` ignores its bytes. Answer with `error.status`, then
///   close the connection, because where the next request starts is unknown.
/// - Only origin-form targets (`/path?query`) are accepted: Ties is no proxy,
///   so `*` and absolute-form are 400.
/// - `.expectContinue` carries no head: the server answers 100 or closes.
///   Bodies over the limit are refused (413) before it is ever returned.
/// - Trailer fields of chunked bodies are checked, then dropped.
/// - The parser never reads a socket or a clock; timeouts and the limits on
///   connections are the listener's (see `HTTPLimits`).
public struct HTTPRequestParser: Sendable {
    /// Where the parser is inside the current request.
    private enum Phase: Sendable {
        case requestLine
        case fields
        case fixedBody(length: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case failed(HTTPParseError)
    }

    /// The outcome of one phase step, so `advance` can loop over phases.
    private enum Step {
        case progressed
        case needMore
        case finished
    }

    private let maxBodyBytes: Int
    /// Received bytes; `start` is the first not yet consumed. Consumed bytes
    /// are dropped in `append`, never per byte or per line.
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the scan for the current line resumes (`start...buffer.count`),
    /// so bytes are looked at once however the input is split.
    private var scan = 0
    private var phase = Phase.requestLine
    private var emptyLinesSkipped = 0
    /// Bytes and fields of the header (or trailer) section read so far.
    private var sectionBytes = 0
    private var sectionFields = 0
    /// The request being assembled.
    private var request = HTTPRequest.blank
    /// Set when the head asked for 100-continue and its body is still owed.
    private var owesContinue = false

    /// `maxBodyBytes` is the body limit for this connection's requests
    /// (413 past it); tests and small deployments may lower it.
    public init(maxBodyBytes: Int = HTTPLimits.bodyBytesMax) {
        precondition(maxBodyBytes >= 0, "maxBodyBytes must not be negative")
        self.maxBodyBytes = maxBodyBytes
    }

    /// True when bytes of a request not yet returned have arrived (or the
    /// parser has failed): at end of stream, the client hung up mid-request.
    public var hasBufferedBytes: Bool {
        if case .requestLine = phase { return start < buffer.count }
        return true
    }

    /// True once a head is complete and its body is being read: the
    /// listener switches from the header-read to the body-read timeout.
    public var isReadingBody: Bool {
        switch phase {
        case .fixedBody, .chunkSize, .chunkData, .chunkDataEnd, .trailers: return true
        case .requestLine, .fields, .failed: return false
        }
    }

    /// The head of the request whose body is being read (its body left
    /// out), nil at any other time: the listener can refuse the request
    /// from its head (no key, no such endpoint) before reading a body byte.
    public var headBeingRead: HTTPRequest? {
        guard isReadingBody else { return nil }
        var head = request
        head.body = []
        return head
    }

    /// Received bytes not yet consumed, for the listener's back-pressure.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds bytes received from the socket. Consumed bytes are dropped here,
    /// once per read rather than once per request, which keeps a burst of
    /// pipelined requests linear. After an error the bytes are discarded.
    public mutating func append(_ bytes: [UInt8]) {
        if case .failed = phase { return }
        if start > 0 {
            buffer.removeSubrange(0..<start)
            scan -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next event, or nil when more bytes are needed. Requests come out
    /// in the order they were sent; call again after each one, since the
    /// buffer may already hold the next (pipelining).
    ///
    /// Throws `HTTPParseError` with status 400 (malformed), 413 (body over
    /// the limit), 414 (request line over 8 KiB), 431 (header or trailer
    /// section over its limits), 501 (unknown method) or 505 (HTTP version
    /// other than 1.0 and 1.1). The error is final.
    public mutating func next() throws(HTTPParseError) -> HTTPParseEvent? {
        if case .failed(let error) = phase { throw error }
        do {
            return try advance()
        } catch {
            phase = .failed(error)
            throw error
        }
    }

    private mutating func advance() throws(HTTPParseError) -> HTTPParseEvent? {
        while true {
            let step: Step
            switch phase {
            case .requestLine: step = try readRequestLine()
            case .fields: step = try readField()
            case .fixedBody(let length): step = readFixedBody(length)
            case .chunkSize: step = try readChunkSize()
            case .chunkData(let remaining): step = readChunkData(remaining)
            case .chunkDataEnd: step = try readChunkDataEnd()
            case .trailers: step = try readTrailer()
            case .failed(let error): throw error
            }
            switch step {
            case .progressed:
                continue
            case .finished:
                return .request(finishRequest())
            case .needMore:
                guard owesContinue else { return nil }
                owesContinue = false
                return .expectContinue
            }
        }
    }

    private mutating func finishRequest() -> HTTPRequest {
        let done = request
        request = .blank
        phase = .requestLine
        emptyLinesSkipped = 0
        owesContinue = false
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= HTTPLimits.idleBufferBytesMax)
            start = 0
            scan = 0
        }
        return done
    }
}

// MARK: - Lines

extension HTTPRequestParser {
    /// The next complete line (without its CRLF) as a range of `buffer`, or
    /// nil until its CRLF arrives. Refuses bare CR, bare LF and control bytes
    /// other than HTAB anywhere in a line, and throws `tooLong` as soon as
    /// the line has more than `contentBytesMax` bytes before its CRLF.
    private mutating func nextLine(
        contentBytesMax: Int, tooLong: HTTPParseError
    ) throws(HTTPParseError) -> Range<Int>? {
        let end = buffer.count
        let limit = start + contentBytesMax
        var i = scan
        while i < end {
            let byte = buffer[i]
            if byte == HTTPSyntax.cr {
                guard i + 1 < end else { break }
                guard buffer[i + 1] == HTTPSyntax.lf else { throw .bareCR }
                let line = start..<i
                start = i + 2
                scan = start
                return line
            }
            if byte < 0x20 {
                if byte == HTTPSyntax.lf { throw .bareLF }
                if byte != HTTPSyntax.tab { throw .controlByte }
            } else if byte == 0x7F {
                throw .controlByte
            }
            if i >= limit { throw tooLong }
            i += 1
        }
        scan = i
        return nil
    }

    /// The next line of a header or trailer section, counted against the
    /// section's byte budget (the final empty line included).
    private mutating func nextSectionLine(
        bytesMax: Int, tooLarge: HTTPParseError
    ) throws(HTTPParseError) -> Range<Int>? {
        // Every line needs at least its CRLF; a spent budget fails right away.
        guard sectionBytes + 2 <= bytesMax else { throw tooLarge }
        let line = try nextLine(contentBytesMax: bytesMax - sectionBytes - 2, tooLong: tooLarge)
        guard let line else { return nil }
        sectionBytes += line.count + 2
        return line
    }
}

// MARK: - The head

extension HTTPRequestParser {
    private mutating func readRequestLine() throws(HTTPParseError) -> Step {
        let line = try nextLine(
            contentBytesMax: HTTPLimits.requestLineBytesMax - 2, tooLong: .requestLineTooLong)
        guard let line else { return .needMore }
        if line.isEmpty {
            emptyLinesSkipped += 1
            guard emptyLinesSkipped <= HTTPLimits.leadingEmptyLinesMax else { throw .emptyLines }
            return .progressed
        }
        try parseRequestLine(line)
        sectionBytes = 0
        sectionFields = 0
        phase = .fields
        return .progressed
    }

    /// `method SP request-target SP HTTP-version`, single spaces exactly.
    /// Syntax is checked before meaning: a malformed line is 400 even when
    /// its version (505) or method (501) would also be refused.
    private mutating func parseRequestLine(_ line: Range<Int>) throws(HTTPParseError) {
        guard let space1 = buffer[line].firstIndex(of: HTTPSyntax.sp),
              let space2 = buffer[(space1 + 1)..<line.upperBound].firstIndex(of: HTTPSyntax.sp)
        else { throw .malformedRequestLine }
        let method = line.lowerBound..<space1
        let target = (space1 + 1)..<space2
        let version = (space2 + 1)..<line.upperBound
        guard HTTPSyntax.isToken(buffer[method]) else { throw .malformedMethod }
        guard HTTPSyntax.isOriginForm(buffer[target]) else { throw .invalidTarget }
        request.version = try parseVersion(version)
        request.method = try knownMethod(method)
        request.headers.reserveCapacity(Self.typicalFieldCount)
        request.target = String(decoding: buffer[target], as: UTF8.self)
        if let mark = buffer[target].firstIndex(of: HTTPSyntax.question) {
            request.path = String(decoding: buffer[target.lowerBound..<mark], as: UTF8.self)
            request.query = String(decoding: buffer[(mark + 1)..<target.upperBound], as: UTF8.self)
        } else {
            request.path = request.target
            request.query = nil
        }
    }

    /// Exactly `HTTP/1.0` or `HTTP/1.1`; another well-formed `HTTP/x.y` is a
    /// version we do not speak (505), anything else is not a version (400).
    private func parseVersion(_ range: Range<Int>) throws(HTTPParseError) -> HTTPVersion {
        let bytes = buffer[range]
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8),
              HTTPSyntax.isDigit(bytes[range.lowerBound + 5]),
              bytes[range.lowerBound + 6] == UInt8(ascii: "."),
              HTTPSyntax.isDigit(bytes[range.lowerBound + 7])
        else { throw .malformedVersion }
        if bytes.elementsEqual("HTTP/1.1".utf8) { return .http11 }
        if bytes.elementsEqual("HTTP/1.0".utf8) { return .http10 }
        throw .unsupportedVersion
    }

    /// The methods a Ties route can serve, and TRACE and QUERY, which none
    /// serves but which are methods of HTTP itself (QUERY: a safe method with
    /// a body), so the router tells them 405 with `Allow` rather than 501;
    /// other tokens are 501 (RFC 9110 §9.1). Methods are case-sensitive, so
    /// `get` is unknown too. (CONNECT takes an authority-form target, which
    /// is 400 before its method matters.)
    private static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY"]

    /// Room for the fields of a typical request, so the list grows once.
    private static let typicalFieldCount = 16

    private func knownMethod(_ range: Range<Int>) throws(HTTPParseError) -> String {
        for method in Self.methods where buffer[range].elementsEqual(method.utf8) {
            return method
        }
        throw .unknownMethod
    }

    private mutating func readField() throws(HTTPParseError) -> Step {
        let line = try nextSectionLine(
            bytesMax: HTTPLimits.headerSectionBytesMax, tooLarge: .headerSectionTooLarge)
        guard let line else { return .needMore }
        if line.isEmpty { return try finishHead() }
        sectionFields += 1
        guard sectionFields <= HTTPLimits.headerFieldsMax else { throw .tooManyHeaderFields }
        let field = try parseFieldLine(line)
        let value = try utf8String(field.value)
        request.headers.appendParsed(lowercasedName: lowercasedString(field.name), value: value)
        return .progressed
    }

    /// Field values are text to every caller, so bytes that are not UTF-8
    /// are refused rather than repaired: a repaired value would no longer be
    /// what the client sent. ASCII, the common case, skips validation.
    private func utf8String(_ range: Range<Int>) throws(HTTPParseError) -> String {
        let bytes = buffer[range]
        let string = String(decoding: bytes, as: UTF8.self)
        if bytes.allSatisfy({ $0 < 0x80 }) { return string }
        // Decoding replaces invalid sequences with U+FFFD, so a value is
        // valid exactly when decoding changed nothing.
        guard string.utf8.elementsEqual(bytes) else { throw .fieldValueNotUTF8 }
        return string
    }

    /// `field-name ":" OWS field-value OWS`, as ranges of `buffer`. A line
    /// that starts with whitespace is obs-fold, which RFC 9112 §5.2 lets a
    /// server refuse; we do, since folding is where parsers disagree.
    private func parseFieldLine(
        _ line: Range<Int>
    ) throws(HTTPParseError) -> (name: Range<Int>, value: Range<Int>) {
        guard !HTTPSyntax.isWhitespace(buffer[line.lowerBound]) else { throw .obsFold }
        var colon = line.lowerBound
        while colon < line.upperBound, HTTPSyntax.isTchar(buffer[colon]) { colon += 1 }
        guard colon < line.upperBound, buffer[colon] == HTTPSyntax.colon else {
            let sawWhitespace = colon < line.upperBound && HTTPSyntax.isWhitespace(buffer[colon])
            throw colon > line.lowerBound && sawWhitespace ? .whitespaceBeforeColon : .malformedFieldLine
        }
        guard colon > line.lowerBound else { throw .malformedFieldLine }
        var low = colon + 1
        var high = line.upperBound
        while low < high, HTTPSyntax.isWhitespace(buffer[low]) { low += 1 }
        while high > low, HTTPSyntax.isWhitespace(buffer[high - 1]) { high -= 1 }
        return (line.lowerBound..<colon, low..<high)
    }

    /// Field names are ASCII tokens, so lowering is one bit per letter.
    private func lowercasedString(_ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { out in
            var j = 0
            for byte in buffer[range] {
                let isUpper = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
                out[j] = isUpper ? byte | 0x20 : byte
                j += 1
            }
            return j
        }
    }

    /// The head is complete: check the fields that decide framing, then
    /// choose how to read the body.
    private mutating func finishHead() throws(HTTPParseError) -> Step {
        let framing = try HeadRules.framing(of: request, maxBodyBytes: maxBodyBytes)
        switch framing.body {
        case .none, .length(0):
            return .finished
        case .length(let length):
            phase = .fixedBody(length: length)
        case .chunked:
            phase = .chunkSize
        }
        owesContinue = framing.expectsContinue
        return .progressed
    }
}

// MARK: - The body

extension HTTPRequestParser {
    /// Waits for the whole body, then copies it once.
    private mutating func readFixedBody(_ length: Int) -> Step {
        guard buffer.count - start >= length else { return .needMore }
        request.body = Array(buffer[start..<(start + length)])
        start += length
        scan = start
        return .finished
    }

    private mutating func readChunkSize() throws(HTTPParseError) -> Step {
        let line = try nextLine(
            contentBytesMax: HTTPLimits.chunkSizeLineBytesMax - 2, tooLong: .chunkSizeLineTooLong)
        guard let line else { return .needMore }
        let size = try parseChunkSize(line)
        if size == 0 {
            sectionBytes = 0
            sectionFields = 0
            phase = .trailers
            return .progressed
        }
        guard size <= UInt64(maxBodyBytes - request.body.count) else { throw .bodyTooLarge }
        phase = .chunkData(remaining: Int(size))
        return .progressed
    }

    /// `1*16HEXDIG [ BWS ";" chunk-ext ]`. Extensions are ignored: the line
    /// scan has already refused control bytes in them, and their length is
    /// bounded by `HTTPLimits.chunkSizeLineBytesMax`.
    private func parseChunkSize(_ line: Range<Int>) throws(HTTPParseError) -> UInt64 {
        var size: UInt64 = 0
        var i = line.lowerBound
        while i < line.upperBound, let digit = HTTPSyntax.hexValue(buffer[i]) {
            guard i - line.lowerBound < HTTPLimits.chunkSizeHexDigitsMax else {
                throw .chunkSizeTooManyDigits
            }
            size = size << 4 | UInt64(digit)
            i += 1
        }
        guard i > line.lowerBound else { throw .malformedChunkSize }
        if i == line.upperBound { return size }
        // Whitespace is allowed only as BWS before an extension's ";".
        while i < line.upperBound, HTTPSyntax.isWhitespace(buffer[i]) { i += 1 }
        guard i < line.upperBound, buffer[i] == HTTPSyntax.semicolon else {
            throw .malformedChunkSize
        }
        return size
    }

    /// Copies what has arrived of the chunk's data, block by block.
    private mutating func readChunkData(_ remaining: Int) -> Step {
        let available = min(remaining, buffer.count - start)
        guard available > 0 else { return .needMore }
        request.body.append(contentsOf: buffer[start..<(start + available)])
        start += available
        scan = start
        phase = available == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - available)
        return .progressed
    }

    /// The CRLF that must follow a chunk's data; a wrong first byte fails
    /// without waiting for the second.
    private mutating func readChunkDataEnd() throws(HTTPParseError) -> Step {
        let available = buffer.count - start
        if available >= 1, buffer[start] != HTTPSyntax.cr { throw .missingChunkCRLF }
        guard available >= 2 else { return .needMore }
        guard buffer[start + 1] == HTTPSyntax.lf else { throw .missingChunkCRLF }
        start += 2
        scan = start
        phase = .chunkSize
        return .progressed
    }

    /// Trailer fields are parsed for syntax and limits, then dropped: no
    /// route needs them, and merging them into the headers after the fact
    /// is how smuggled fields get in.
    private mutating func readTrailer() throws(HTTPParseError) -> Step {
        let line = try nextSectionLine(
            bytesMax: HTTPLimits.trailerSectionBytesMax, tooLarge: .trailerSectionTooLarge)
        guard let line else { return .needMore }
        if line.isEmpty { return .finished }
        sectionFields += 1
        guard sectionFields <= HTTPLimits.trailerFieldsMax else { throw .tooManyTrailerFields }
        _ = try parseFieldLine(line)
        return .progressed
    }
}

// MARK: - Framing rules

/// The checks that need the whole head: Host, Authorization (a singleton
/// field, RFC 9110 §11.6.2), and the fields that decide where the body ends.
/// Kept apart from the byte scanning so each rule reads as one line of
/// RFC 9112 §6.
private enum HeadRules {
    enum Body: Equatable {
        case none
        case length(Int)
        case chunked
    }

    struct Framing {
        var body: Body
        /// 100-continue asked for by an HTTP/1.1 client with a body to send
        /// (RFC 9110 §10.1.1: ignored from HTTP/1.0 clients).
        var expectsContinue: Bool
    }

    static func framing(
        of request: HTTPRequest, maxBodyBytes: Int
    ) throws(HTTPParseError) -> Framing {
        var hosts = 0, authorizations = 0, lengths = 0, codings = 0
        var length = "", coding = ""
        var expects = false
        for field in request.headers {
            switch field.name {
            case "host":
                hosts += 1
                guard HTTPSyntax.isHost(field.value.utf8) else { throw .invalidHost }
            case "authorization":
                authorizations += 1
            case "content-length":
                lengths += 1
                length = field.value
            case "transfer-encoding":
                codings += 1
                coding = field.value
            case "expect":
                if HTTPSyntax.equalsIgnoringCase(field.value.utf8, "100-continue") { expects = true }
            default:
                break
            }
        }
        let http11 = request.version == .http11
        guard hosts <= 1 else { throw .duplicateHost }
        guard hosts == 1 || !http11 else { throw .missingHost }
        guard authorizations <= 1 else { throw .duplicateAuthorization }
        let body = try self.body(
            lengths: lengths, length: length, codings: codings, coding: coding,
            http11: http11, maxBodyBytes: maxBodyBytes)
        return Framing(body: body, expectsContinue: expects && http11 && body != .length(0) && body != .none)
    }

    private static func body(
        lengths: Int, length: String, codings: Int, coding: String,
        http11: Bool, maxBodyBytes: Int
    ) throws(HTTPParseError) -> Body {
        if codings > 0 {
            guard lengths == 0 else { throw .lengthWithTransferEncoding }
            guard http11 else { throw .transferEncodingInHTTP10 }
            guard codings == 1, HTTPSyntax.equalsIgnoringCase(coding.utf8, "chunked") else {
                throw .unsupportedTransferEncoding
            }
            return .chunked
        }
        if lengths == 0 { return .none }
        guard lengths == 1 else { throw .duplicateContentLength }
        return .length(try contentLength(length.utf8, maxBodyBytes: maxBodyBytes))
    }

    /// `1*DIGIT`, nothing else: no sign, no inner space, no list. Syntax is
    /// checked first (400), size second (413), so an absurdly long number
    /// is "too large" only when it is a number.
    private static func contentLength(
        _ digits: String.UTF8View, maxBodyBytes: Int
    ) throws(HTTPParseError) -> Int {
        guard !digits.isEmpty, digits.allSatisfy(HTTPSyntax.isDigit) else {
            throw .malformedContentLength
        }
        var value = 0
        for digit in digits {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(digit &- UInt8(ascii: "0")))
            guard !overflow1, !overflow2, sum <= maxBodyBytes else { throw .bodyTooLarge }
            value = sum
        }
        return value
    }
}

// MARK: - Errors
