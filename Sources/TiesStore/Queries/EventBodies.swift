import TiesCore

/// Reads the events the projection located from the log, checking each
/// against the CRC-32 taken when it was applied: a changed byte in the log
/// is `ledger_damaged`, never a wrong answer.
extension LogFile {
    /// One read covers events whose bytes lie close together (a commit's
    /// events, or a feed page): fewer `pread`s for the same bytes.
    static let eventReadSpanMax: Int64 = 256 * 1024
    static let eventReadGapMax: Int64 = 4 * 1024

    func entries(_ located: [LocatedEvent]) throws(LedgerError) -> [HistoryEntry] {
        var entries: [HistoryEntry] = []
        entries.reserveCapacity(located.count)
        var index = 0
        while index < located.count {
            guard let first = located[index].logRange else {
                entries.append(try entry(located[index], bytes: nil))
                index += 1
                continue
            }
            // Extend the span while the next event's bytes are near it.
            var span = first
            var end = index + 1
            while end < located.count, let next = located[end].logRange {
                let lower = min(span.lowerBound, next.lowerBound)
                let upper = max(span.upperBound, next.upperBound)
                let gap = max(next.lowerBound - span.upperBound, span.lowerBound - next.upperBound, 0)
                guard upper - lower <= Self.eventReadSpanMax, gap <= Self.eventReadGapMax else { break }
                span = lower..<upper
                end += 1
            }
            let bytes = try read(at: span.lowerBound, count: Int(span.count))
            guard bytes.count == span.count else {
                throw LedgerError(.ledgerDamaged, "the log ends before the event at seq \(located[index].seq): it was truncated",
                                  details: ["seq": .int(located[index].seq), "offset": .int(span.lowerBound)])
            }
            for event in located[index..<end] {
                let range = event.logRange!  // Every event of the span has one.
                let start = Int(range.lowerBound - span.lowerBound)
                entries.append(try entry(event, bytes: bytes[start..<start + Int(range.count)]))
            }
            index = end
        }
        return entries
    }

    /// `bytes`: the event's bytes read from the log, nil when it is inline.
    private func entry(_ located: LocatedEvent, bytes: ArraySlice<UInt8>?) throws(LedgerError) -> HistoryEntry {
        let body: ArraySlice<UInt8>
        if let bytes {
            body = bytes
        } else if case .inline(let inline) = located.location {
            body = inline[...]
        } else {
            preconditionFailure("an event in the log read without its bytes")
        }
        let offset: Int64 = located.logRange?.lowerBound ?? -1
        guard CRC32.checksum(body) == located.crc else {
            throw LedgerError(.ledgerDamaged, """
                the event at seq \(located.seq) does not match the checksum taken when it was applied: \
                the log was changed at byte offset \(offset); run `ties verify`
                """, details: ["seq": .int(located.seq), "offset": .int(offset)])
        }
        let event: Event
        do {
            event = try EventCoding.decode(try JSONParser.parse(Array(body))).event
        } catch {
            throw LedgerError(.ledgerDamaged, "the event at seq \(located.seq) cannot be read back: \(error)",
                              details: ["seq": .int(located.seq)])
        }
        return HistoryEntry(seq: located.seq, commitSeq: located.commitSeq, at: located.at, actor: located.actor, principal: located.principal,
                            reason: located.reason, event: event)
    }
}
