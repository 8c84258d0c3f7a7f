import TiesCore
import TiesStore

extension CommitReceipt {
    /// Each operation's answer with the seq of the event it appended: every
    /// operation appends at most one event, in order, from `firstSeq`.
    public var resultsJSON: [JSONValue] {
        var next = firstSeq
        return results.map { result in
            guard result.appendedEvents, let seq = next else { return result.jsonValue(seq: nil) }
            next = seq + 1
            return result.jsonValue(seq: seq)
        }
    }
}
