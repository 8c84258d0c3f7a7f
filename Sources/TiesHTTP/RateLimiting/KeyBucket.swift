import TiesCore
import TiesStore

/// The bucket one request draws on: its key's, of the request's kind. The
/// request is charged through it before any work is done, and every
/// response to the key carries its state.
struct KeyBucket {
    /// The problem member (and `Retry-After` header) of a `rate_limited`
    /// answer: whole seconds until the request can pass.
    static let retryAfterDetail = "retryAfter"

    let limiter: RateLimiter
    let id: RateLimiter.BucketID
    let limit: RateLimit

    /// Takes `tokens`, or takes none and throws `rate_limited`.
    func charge(_ tokens: Int64) throws(LedgerError) {
        try draw(tokens, take: true)
    }

    /// Throws `rate_limited` unless `tokens` are there; takes none. For the
    /// checks made before a request's cost is known.
    func require(_ tokens: Int64) throws(LedgerError) {
        try draw(tokens, take: false)
    }

    /// Sets `RateLimit-Limit` (the burst), `RateLimit-Remaining` (whole
    /// tokens left) and `RateLimit-Reset` (whole seconds until full) as the
    /// bucket is now.
    func stamp(_ headers: inout HTTPHeaders) {
        let bucket = limiter.draw(0, take: false, from: id, limit: limit).bucket
        headers.set(name: "RateLimit-Limit", value: String(limit.burst))
        headers.set(name: "RateLimit-Remaining", value: String(bucket.remaining))
        headers.set(name: "RateLimit-Reset", value: String(bucket.resetSeconds))
    }

    private func draw(_ tokens: Int64, take: Bool) throws(LedgerError) {
        let (held, bucket) = limiter.draw(tokens, take: take, from: id, limit: limit)
        guard !held else { return }
        let kind = id.kind.rawValue
        var details: [String: JSONValue] = ["bucket": .string(kind), "cost": .int(tokens)]
        guard let seconds = bucket.retryAfterSeconds(for: tokens) else {
            // No wait would help, so no Retry-After invites one.
            throw LedgerError(.rateLimited, "this request needs \(tokens) \(kind) tokens (one per operation) and this key's \(kind) bucket"
                              + " holds at most \(limit.burst): it can never pass; send at most \(limit.burst) operations per batch",
                              details: details)
        }
        details[Self.retryAfterDetail] = .int(seconds)
        throw LedgerError(.rateLimited, "this key's \(kind) rate limit (\(limit.perSecondText) a second, burst \(limit.burst)) is reached:"
                          + " this request needs \(tokens) token\(tokens == 1 ? "" : "s"), \(bucket.remaining) left; retry in \(seconds) s",
                          details: details)
    }
}
