import TiesCore

/// The write path's invariants, checked where they could first break (the
/// TigerBeetle habit: assert on write *and* on read). A violation is a bug
/// in Ties, not something a user or the disk can cause — damage read from
/// disk is reported as `ledger_damaged` by the codec and the scanner — so it stops the
/// process before a wrong commit is acknowledged or applied.
enum ChainInvariant {
    /// `commits` continue the chain whose head is (`seq`, `hash`): gapless
    /// seqs from `seq + 1`, each commit naming the hash of the one before.
    static func check(_ commits: [SealedCommit], continue seq: Int64, _ hash: String) {
        var expectedSeq = seq + 1
        var expectedPrevious = hash
        for sealed in commits {
            let commit = sealed.commit
            precondition(!commit.events.isEmpty || commit.idempotencyKey != nil, "commit at seq \(commit.firstSeq) holds no event and is no receipt")
            precondition(commit.events.count <= Limits.eventsPerCommitMax, "commit at seq \(commit.firstSeq) holds \(commit.events.count) events")
            precondition(commit.firstSeq == expectedSeq, "commit starts at seq \(commit.firstSeq), expected \(expectedSeq)")
            precondition(commit.previousHash == expectedPrevious, "commit at seq \(commit.firstSeq) does not name the previous commit's hash")
            expectedSeq = commit.lastSeq + 1
            expectedPrevious = sealed.hash
        }
    }

    /// `offsets` place `lines` back to back from `start`.
    static func check(offsets: [Int64], of lines: [[UInt8]], from start: Int64) {
        precondition(offsets.count == lines.count, "\(offsets.count) offsets for \(lines.count) lines")
        var expected = start
        for (offset, line) in zip(offsets, lines) {
            precondition(offset == expected, "line at offset \(offset), expected \(expected)")
            precondition(line.last == UInt8(ascii: "\n"), "a log line at offset \(offset) does not end with a newline")
            expected += Int64(line.count)
        }
    }
}
