/// The two request fields a cached, compressed file depends on:
/// `Accept-Encoding` (RFC 9110 §12.5.3) and `If-None-Match` (§13.1.2).
enum ContentNegotiation {
    /// Whether the client takes the `gzip` coding: `gzip` or `x-gzip`
    /// with a q-value above 0, or `*` above 0 when gzip is not refused by
    /// name. No field at all means identity.
    static func acceptsGzip(_ fields: [String]) -> Bool {
        var named: Bool?
        var wildcard = false
        for field in fields {
            for element in field.split(separator: ",") {
                let parts = element.split(separator: ";")
                guard let first = parts.first else { continue }
                let coding = first.trimmingSpaces.lowercased()
                let accepted = parts.dropFirst().allSatisfy { !isZeroQuality($0) }
                switch coding {
                case "gzip", "x-gzip": named = (named ?? false) || accepted
                case "*": wildcard = wildcard || accepted
                default: continue
                }
            }
        }
        return named ?? wildcard
    }

    /// `q=0`, `q=0.0`, `q=0.000`: the coding is refused.
    private static func isZeroQuality(_ parameter: Substring) -> Bool {
        let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces.lowercased() }
        guard pair.count == 2, pair[0] == "q", let value = Double(pair[1]) else { return false }
        return value == 0
    }

    /// Whether an `If-None-Match` list names `etag` (weak comparison, as
    /// that field asks: `W/` is ignored) or is `*`.
    static func matches(_ fields: [String], etag: String) -> Bool {
        for field in fields {
            for element in field.split(separator: ",") {
                var tag = element.trimmingSpaces
                if tag == "*" { return true }
                if tag.hasPrefix("W/") { tag = String(tag.dropFirst(2)) }
                if tag == etag { return true }
            }
        }
        return false
    }
}

extension Substring {
    var trimmingSpaces: String { String(self).trimmingSpaces }
}
