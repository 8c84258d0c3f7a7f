// The HTTP/1.1 request parser: bytes in, requests or a refusal out. The
// contract and its caveats are on `HTTPRequestParser`.

/// Why a request was refused: the status to answer with and a short reason
/// for the log. Reasons describe the syntax, never quote the client's bytes,
/// which may carry credentials or personal data.
public struct HTTPParseError: Error, Equatable, Sendable {
    public var status: Int
    public var reason: String

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }
}

/// What `HTTPRequestParser.next()` found.
public enum HTTPParseEvent: Sendable, Equatable {
    /// The client sent `Expect: 100-continue` and waits for a 100 (Continue)
    /// before sending the body; the server writes it, or a final status.
    case expectContinue
    /// A complete request, body included.
    case request(HTTPRequest)
}

/// An incremental, strict HTTP/1.1 request parser (RFC 9112) over raw bytes.
/// Feed it what the socket delivers with `append`, then call `next()` until
/// it returns nil. How the bytes are split never changes the requests or
/// the error that come out, only whether a body still owed needs a 100.
///
/// Caveats, read before use:
/// - Strictness is the point. Anything two parsers could read differently
///   (bare CR or LF, obs-fold, whitespace before a colon, two Content-Lengths,
///   Content-Length with Transfer-Encoding, odd chunk sizes) is refused, so
///   a proxy in front of us can never disagree about where a request ends.
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

    /// The methods a Ties route can serve; other tokens are 501 (RFC 9110
    /// §9.1). Methods are case-sensitive, so `get` is unknown too.
    private static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

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

/// The checks that need the whole head: Host, and the fields that decide
/// where the body ends. Kept apart from the byte scanning so each rule reads
/// as one line of RFC 9112 §6.
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
        var hosts = 0, lengths = 0, codings = 0
        var length = "", coding = ""
        var expects = false
        for field in request.headers {
            switch field.name {
            case "host":
                hosts += 1
                guard HTTPSyntax.isHost(field.value.utf8) else { throw .invalidHost }
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

extension HTTPParseError {
    static let bareCR = Self(status: 400, reason: "CR not followed by LF in the head")
    static let bareLF = Self(status: 400, reason: "LF not preceded by CR in the head")
    static let controlByte = Self(status: 400, reason: "control byte in the head")
    static let emptyLines = Self(status: 400, reason: "more than one empty line before the request line")
    static let requestLineTooLong = Self(status: 414, reason: "request line longer than 8 KiB")
    static let malformedRequestLine = Self(
        status: 400, reason: "request line is not method SP target SP version")
    static let malformedMethod = Self(status: 400, reason: "method is not a token")
    static let invalidTarget = Self(
        status: 400, reason: "request target is not an origin-form path and query")
    static let malformedVersion = Self(status: 400, reason: "malformed HTTP version")
    static let unsupportedVersion = Self(status: 505, reason: "HTTP version other than 1.0 and 1.1")
    static let unknownMethod = Self(status: 501, reason: "method not implemented")
    static let headerSectionTooLarge = Self(status: 431, reason: "header section larger than 16 KiB")
    static let tooManyHeaderFields = Self(status: 431, reason: "more than 100 header fields")
    static let obsFold = Self(status: 400, reason: "obsolete line folding in a field")
    static let whitespaceBeforeColon = Self(
        status: 400, reason: "whitespace between a field name and its colon")
    static let malformedFieldLine = Self(status: 400, reason: "field line is not token \":\" value")
    static let fieldValueNotUTF8 = Self(status: 400, reason: "field value is not UTF-8")
    static let missingHost = Self(status: 400, reason: "HTTP/1.1 request without Host")
    static let duplicateHost = Self(status: 400, reason: "more than one Host field")
    static let invalidHost = Self(status: 400, reason: "Host is not a host and port")
    static let lengthWithTransferEncoding = Self(
        status: 400, reason: "both Content-Length and Transfer-Encoding")
    static let transferEncodingInHTTP10 = Self(status: 400, reason: "Transfer-Encoding in HTTP/1.0")
    static let unsupportedTransferEncoding = Self(
        status: 400, reason: "Transfer-Encoding other than chunked")
    static let duplicateContentLength = Self(status: 400, reason: "more than one Content-Length field")
    static let malformedContentLength = Self(status: 400, reason: "Content-Length is not 1*DIGIT")
    static let bodyTooLarge = Self(status: 413, reason: "body larger than the limit")
    static let chunkSizeLineTooLong = Self(status: 400, reason: "chunk-size line longer than 1 KiB")
    static let chunkSizeTooManyDigits = Self(status: 400, reason: "chunk size of more than 16 hex digits")
    static let malformedChunkSize = Self(status: 400, reason: "malformed chunk size")
    static let missingChunkCRLF = Self(status: 400, reason: "chunk data not followed by CRLF")
    static let trailerSectionTooLarge = Self(status: 431, reason: "trailer section larger than 16 KiB")
    static let tooManyTrailerFields = Self(status: 431, reason: "more than 100 trailer fields")
}

// MARK: - Byte classes

/// The RFC 9110/9112/3986 character classes, as byte predicates.
enum HTTPSyntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let question = UInt8(ascii: "?")
    static let percent = UInt8(ascii: "%")
    static let crlf: [UInt8] = [0x0D, 0x0A]

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == sp || byte == tab }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        if isDigit(byte) { return byte &- UInt8(ascii: "0") }
        let letter = (byte | 0x20) &- UInt8(ascii: "a")
        return letter < 6 ? letter + 10 : nil
    }

    /// tchar (RFC 9110 §5.6.2).
    static func isTchar(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || isDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func isToken(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isTchar)
    }

    /// unreserved / sub-delims (RFC 3986 §2).
    static func isUnreservedOrSubDelim(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || isDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    /// origin-form = absolute-path [ "?" query ]: a "/" first, then pchar,
    /// "/" and "?" only, with every "%" followed by two hex digits. No "#",
    /// no spaces, no bytes past ASCII, no raw "\\" or quotes.
    static func isOriginForm(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.first == UInt8(ascii: "/") && isPercentEncoded(bytes) { byte in
            isUnreservedOrSubDelim(byte) || byte == colon || byte == UInt8(ascii: "@")
                || byte == UInt8(ascii: "/") || byte == question
        }
    }

    /// Host = uri-host [ ":" port ], checked as its character set: reg-name
    /// or IP-literal bytes and ":". Empty is allowed (RFC 9112 §3.2).
    static func isHost(_ bytes: some Collection<UInt8>) -> Bool {
        isPercentEncoded(bytes) { byte in
            isUnreservedOrSubDelim(byte) || byte == colon
                || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
        }
    }

    /// Every byte is allowed or part of a complete `%XX` escape.
    static func isPercentEncoded(
        _ bytes: some Collection<UInt8>, allowing isAllowed: (UInt8) -> Bool
    ) -> Bool {
        var hexDigitsOwed = 0
        for byte in bytes {
            if hexDigitsOwed > 0 {
                guard hexValue(byte) != nil else { return false }
                hexDigitsOwed -= 1
            } else if byte == percent {
                hexDigitsOwed = 2
            } else if !isAllowed(byte) {
                return false
            }
        }
        return hexDigitsOwed == 0
    }

    /// ASCII case-insensitive comparison with a lowercase literal.
    static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ lowercase: String) -> Bool {
        bytes.elementsEqual(lowercase.utf8) { byte, expected in
            (isAlpha(byte) ? byte | 0x20 : byte) == expected
        }
    }

    /// The bytes without leading and trailing SP and HTAB (OWS).
    static func trimmingWhitespace<C: BidirectionalCollection<UInt8>>(_ bytes: C) -> C.SubSequence {
        var low = bytes.startIndex
        var high = bytes.endIndex
        while low < high, isWhitespace(bytes[low]) { low = bytes.index(after: low) }
        while high > low, isWhitespace(bytes[bytes.index(before: high)]) {
            high = bytes.index(before: high)
        }
        return bytes[low..<high]
    }
}
