import TiesCore

/// What an idempotency key remembers.
struct IdempotencyRecord {
    var key: String
    var digest: String?
    var response: JSONValue?
    var firstSeq: Int64?
}
