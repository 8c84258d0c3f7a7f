import TiesCore
import TiesStore

/// Matching paths to routes, and percent-decoding.
enum Router {
    enum Match {
        case route(Route, parameters: [String: String])
        /// The path exists, not with this method: 405 with `Allow`.
        case wrongMethod(allowed: [String])
        case notFound
        /// A path segment that does not percent-decode to UTF-8.
        case badPath
    }

    static func match(method: String, path: String, in routes: [Route]) -> Match {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var allowed: [String] = []
        for route in routes {
            switch captures(route.segments, segments) {
            case .none: continue
            case .some(nil): return .badPath
            case .some(let parameters?):
                if route.method == method || (method == "HEAD" && route.method == "GET") {
                    return .route(route, parameters: parameters)
                }
                allowed.append(route.method)
            }
        }
        return allowed.isEmpty ? .notFound : .wrongMethod(allowed: allowed)
    }

    /// nil: no match; .some(nil): matched but a parameter does not decode.
    private static func captures(_ template: [Substring], _ segments: [Substring]) -> [String: String]?? {
        guard template.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (pattern, segment) in zip(template, segments) {
            if pattern.hasPrefix("{") && pattern.hasSuffix("}") {
                guard !segment.isEmpty else { return nil }
                guard let decoded = percentDecode(segment, plusIsSpace: false) else { return .some(nil) }
                parameters[String(pattern.dropFirst().dropLast())] = decoded
            } else if pattern != segment {
                return nil
            }
        }
        return .some(parameters)
    }

    /// `a=1&b=x%20y`; `+` is a space (form encoding, as clients send it).
    /// Later duplicates win; undecodable pairs fail the request.
    static func query(_ text: String?) throws(LedgerError) -> [String: String] {
        guard let text, !text.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecode(parts[0], plusIsSpace: true),
                  let value = percentDecode(parts.count > 1 ? parts[1] : "", plusIsSpace: true) else {
                throw LedgerError(.invalidField, "the query string is not valid percent-encoded UTF-8", details: ["field": .string("query")])
            }
            result[name] = value
        }
        return result
    }

    /// RFC 3986 percent-decoding to UTF-8; nil on a bad escape or bad UTF-8.
    static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
