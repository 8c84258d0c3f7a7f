import TiesCore

/// Streams commits from the log for `ties log`: each line is checked before
/// it is returned. At the end it can be asked again (for `--follow`): a
/// half-written commit of an active writer is simply not returned yet.
public final class LogReader {
    private let log: LogFile
    private var offset: Int64 = 0
    private var expectedSeq: Int64 = 1
    private var expectedPrevious = CommitCodec.genesisHash
    private var scanner: LogScanner?

    init(log: LogFile) {
        self.log = log
    }

    func position(offset: Int64, expectedSeq: Int64, expectedPrevious: String) {
        self.offset = offset
        self.expectedSeq = expectedSeq
        self.expectedPrevious = expectedPrevious
        scanner = nil
    }

    /// The next commit, or nil at the current end of the log.
    public func next() throws(LedgerError) -> ScannedCommit? {
        if scanner == nil {
            scanner = log.scanner(from: offset, expectedSeq: expectedSeq, expectedPrevious: expectedPrevious)
        }
        guard let scanned = try scanner?.next() else {
            scanner = nil  // Read again from `offset` next time.
            return nil
        }
        offset = scanned.endOffset
        expectedSeq = scanned.commit.lastSeq + 1
        expectedPrevious = scanned.sealed.hash
        return scanned
    }
}
