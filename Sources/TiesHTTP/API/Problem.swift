import TiesCore
import TiesStore

/// RFC 9457 problem details: every error the API answers, as
/// `application/problem+json` with the error's `code` (TiesHTTP.docc/Errors.md).
public enum Problem {
    /// The HTTP status for each ledger error code (TiesHTTP.docc/Errors.md).
    static func status(for code: LedgerError.Code) -> Int {
        switch code {
        case .invalidField, .invalidJSON, .invalidCardinality, .invalidMatchingField, .invalidAsOf: return 400
        case .unknownObjectType, .unknownRelationshipType, .relationshipNotFound, .targetRecordNotFound, .recordNotFound, .ledgerNotFound: return 404
        case .cardinalityViolation, .sequenceConflict, .ambiguousMatch, .duplicateIdentifier, .recordErased, .ledgerExists: return 409
        case .payloadTooLarge: return 413
        case .idempotencyKeyReused: return 422
        case .rateLimited: return 429
        case .ledgerBusy: return 503
        case .ledgerDamaged, .ioError, .ledgerReadOnly: return 500
        }
    }

    /// The status of one error: a write refused because damage in the log
    /// is recorded (damaged.json) is 503 — the service is there, writing is
    /// not — with its seq and offset; any other `ledger_damaged` is a 500.
    static func status(for error: LedgerError) -> Int {
        error.code == .ledgerDamaged && error.details[DamageRecord.refusalMarker] == .bool(true) ? 503 : status(for: error.code)
    }

    /// A problem response for a ledger error, carrying its details
    /// unchanged; a `retryAfter` detail is also sent as `Retry-After`.
    static func response(_ error: LedgerError) -> HTTPResponse {
        let status = status(for: error)
        // Storage failures, and errors naming a file (a path, a lock and
        // its holder's pid), are not the client's to see in detail.
        let hidden = status == 500 || error.details["path"] != nil || error.details["lock"] != nil
        let detail = hidden ? "the ledger could not complete the request (\(error.code.rawValue)); see the server log" : error.message
        let details = hidden ? [:] : error.details
        var headers = HTTPHeaders()
        if let seconds = details[KeyBucket.retryAfterDetail]?.int64Value { headers.set(name: "Retry-After", value: String(seconds)) }
        return response(status: status, code: error.code.rawValue, detail: detail, extra: details, headers: headers)
    }

    /// A problem response: `{"type","title","status","detail","code", …extra}`.
    static func response(status: Int, code: String, detail: String, extra: [String: JSONValue] = [:], headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var fields = extra
        fields["type"] = .string("https://ties.dev/problems/\(code)")
        fields["title"] = .string(HTTPResponse.reasonPhrase(for: status))
        fields["status"] = .int(Int64(status))
        fields["detail"] = .string(detail)
        fields["code"] = .string(code)
        var allHeaders = headers
        allHeaders.set(name: "content-type", value: "application/problem+json")
        return HTTPResponse(status: status, headers: allHeaders, body: JSONValue.object(fields).encodedBytes)
    }

    /// The problem for a request the parser refused.
    static func response(_ error: HTTPParseError) -> HTTPResponse {
        let code: String = switch error.status {
        case 413: "payload_too_large"
        case 414: "uri_too_long"
        case 431: "header_fields_too_large"
        case 501: "not_implemented"
        case 505: "http_version_not_supported"
        case 408: "request_timeout"
        default: "bad_request"
        }
        return response(status: error.status, code: code, detail: error.reason)
    }
}
