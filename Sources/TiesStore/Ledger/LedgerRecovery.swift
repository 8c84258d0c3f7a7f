import TiesCore

/// Bringing the projection up to the log on open.
extension Ledger {
    /// Checks that the projection belongs to this log, applies every commit
    /// after its head, and cuts off a torn tail (keeping its bytes aside).
    func catchUp(progress: ((ReplayProgress) -> Void)?) throws(LedgerError) {
        let head = projection.head
        guard log.size >= head.logEndOffset else {
            throw LedgerError(.ledgerDamaged, """
                the log is \(log.size) bytes but the projection has applied it up to byte \(head.logEndOffset) (seq \(head.seq)): \
                the log was truncated or replaced. Move \(layout.projection) aside to rebuild the projection from the log as it is now.
                """, details: ["seq": .int(head.seq), "offset": .int(log.size)])
        }
        // Whatever it applied last, a commit or a receipt before the first commit.
        if head.logEndOffset > 0 { try checkLastApplied(head) }
        if let torn = try projection.applyLog(log, progress: progress) { try cutOff(torn) }
    }

    /// The projection's last commit must still be in the log, byte for byte.
    private func checkLastApplied(_ head: ProjectionHead) throws(LedgerError) {
        guard try log.holds(head) else {
            throw LedgerError(.ledgerDamaged, """
                the commit ending at seq \(head.seq) (byte offset \(head.lastCommitOffset)) is not what the projection applied: \
                the log was changed or replaced. Move \(layout.projection) aside to rebuild the projection from the log.
                """, details: ["seq": .int(head.seq), "offset": .int(head.lastCommitOffset)])
        }
    }

    /// A torn tail was never acknowledged; it is copied aside (nothing is
    /// deleted) and cut off so appends continue from the last whole commit.
    private func cutOff(_ torn: TornTail) throws(LedgerError) {
        let keptAt = layout.tornTail(at: torn.offset)
        try log.copy(from: torn.offset, count: torn.byteCount, toNewFile: keptAt, directory: layout.directory)
        try log.truncate(to: torn.offset)
        warn("the log ended in an incomplete commit (\(torn.byteCount) bytes at byte offset \(torn.offset)), left by an interrupted write and never acknowledged; it was cut off and its bytes kept in \(keptAt)")
    }
}
