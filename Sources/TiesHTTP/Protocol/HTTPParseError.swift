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
    static let duplicateAuthorization = Self(status: 400, reason: "more than one Authorization field")
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
