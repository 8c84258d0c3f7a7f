import TiesCore

/// How far the ledger is from its next automatic snapshot.
struct SnapshotSchedule {
    let policy: SnapshotPolicy
    var commitsSince: Int64
    var logOffsetAtLast: Int64

    func isDue(logSize: Int64) -> Bool {
        (policy.everyCommits > 0 && commitsSince >= policy.everyCommits)
            || (policy.everyLogBytes > 0 && logSize - logOffsetAtLast >= policy.everyLogBytes)
    }
}
