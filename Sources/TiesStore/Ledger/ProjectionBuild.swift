import TiesCore

/// Building a projection from the whole log: the bulk path of a full
/// rebuild and of a first open without a usable snapshot.
extension Ledger {
    /// Replays every commit into a new file beside the projection, creates
    /// the secondary indexes once at the end, then makes it the projection
    /// (fsync, rename, fsync of the directory). A crash or a failure leaves
    /// at most the unfinished file, which the next build removes first.
    /// Stops before a torn tail: `catchUp` cuts that off afterwards.
    static func buildProjection(_ layout: LedgerLayout, log: LogFile, keys: RecordKeys?, progress: ((ReplayProgress) -> Void)?) throws(LedgerError) {
        let fileSystem = layout.fileSystem
        let path = layout.projectionBeingBuilt
        for file in layout.projectionBeingBuiltFiles { try fileSystem.unlink(file) }
        do throws(LedgerError) {
            let projection = try Projection.startBuilding(at: path)
            projection.recordKeys = keys
            // Reading and checking the log overlaps with applying it.
            let scanner = ScanAhead(log)
            while let scanned = try scanner.next() {
                if try projection.apply([scanned]) {
                    progress?(ReplayProgress(seq: scanned.commit.lastSeq, bytesDone: scanned.endOffset, bytesTotal: log.size))
                }
            }
            try projection.finishBuilding()
            projection.db.close()
            try fileSystem.fsync(path: path)
            try fileSystem.rename(path, layout.projection)
            try fileSystem.fsyncDirectory(layout.directory)
        } catch {
            try? fileSystem.unlink(path)  // Unfinished and derived: the error that matters is the one thrown.
            throw error
        }
    }
}
