import Foundation
import TiesCore

/// Reads and checks the log on a thread of its own, a bounded number of
/// commits ahead of the caller: while the caller applies commits to SQLite,
/// the next ones are read, hashed (SHA-256), parsed and located (each
/// event's place in its line). On two cores the two halves overlap.
///
/// What the caller sees is exactly what `LogScanner.next()` would return,
/// in the same order, errors included, and the torn tail at the end.
///
final class ScanAhead {
    private let state = ScanAheadState()
    /// Kept open for as long as the reader may use its file descriptor.
    private let log: LogFile

    /// Starts reading the whole log from its start at once. `upTo`: stop
    /// after the commit ending at this seq (nil: the whole log).
    init(_ log: LogFile, upTo limit: Int64? = nil) {
        self.log = log
        let scanner = log.scanner(from: 0, expectedSeq: 1, expectedPrevious: CommitCodec.genesisHash)
        let (state, box) = (state, ScannerBox(scanner))
        let thread = Thread {
            state.read(box, upTo: limit)
            state.done.signal()
        }
        thread.name = "ties-scan-ahead"
        thread.start()
    }

    /// Stops the reader and waits for its thread to end: it uses the log's
    /// file descriptor, which must outlive it.
    deinit { state.stop() }

    /// The next commit, nil at the end of the log (or of `upTo`).
    func next() throws(LedgerError) -> ScannedCommit? { try state.next() }

    /// The torn tail the scan ended at, once `next()` has returned nil.
    var tornTail: TornTail? { state.tornTail }
}

/// What the reading thread and the caller share.
///
/// `@unchecked Sendable`: every field is guarded by `condition`, except
/// `done`, a semaphore.
private final class ScanAheadState: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Result<ScannedCommit, LedgerError>] = []
    private var readyEvents = 0
    private var readyBytes = 0
    private var finished = false
    private var stopped = false
    private var scannerTornTail: TornTail?
    /// Signalled when the reading thread ends.
    let done = DispatchSemaphore(value: 0)

    func next() throws(LedgerError) -> ScannedCommit? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished {
            // The reader only reads a file; a wait this long means it is stuck.
            guard condition.wait(until: Date(timeIntervalSinceNow: Double(Limits.logReadStallMs) / 1_000)) || !ready.isEmpty || finished else {
                throw LedgerError(.ioError, "reading the log stalled for \(Limits.logReadStallMs / 1_000) s")
            }
        }
        guard !ready.isEmpty else { return nil }
        let item = ready.removeFirst()
        if case .success(let scanned) = item {
            readyEvents -= scanned.commit.events.count
            readyBytes -= scanned.sealed.line.count
        }
        condition.broadcast()
        return try item.get()
    }

    var tornTail: TornTail? {
        condition.lock()
        defer { condition.unlock() }
        return scannerTornTail
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }

    func read(_ box: ScannerBox, upTo limit: Int64?) {
        while true {
            let item: Result<ScannedCommit, LedgerError>?
            do throws(LedgerError) {
                item = try box.scanner.next().map { .success($0.locatingEvents()) }
            } catch {
                item = .failure(error)
            }
            condition.lock()
            defer { condition.unlock() }
            // Wait for room (one commit always fits, however large);
            // `stopped` is checked at least every second.
            while !ready.isEmpty && (readyEvents >= Limits.scanAheadEventsMax || readyBytes >= Limits.scanAheadBytesMax) && !stopped {
                _ = condition.wait(until: Date(timeIntervalSinceNow: 1))
            }
            if case .success(let scanned)? = item, let limit, scanned.commit.lastSeq > limit {
                finished = true
            } else if let item, !stopped {
                ready.append(item)
                if case .success(let scanned) = item {
                    readyEvents += scanned.commit.events.count
                    readyBytes += scanned.sealed.line.count
                } else {
                    finished = true
                }
            } else {
                finished = true
                scannerTornTail = box.scanner.tornTail
            }
            condition.broadcast()
            if finished { return }
        }
    }
}

/// Hands the scanner to the reading thread, which alone uses it from then on.
private final class ScannerBox: @unchecked Sendable {
    var scanner: LogScanner
    init(_ scanner: LogScanner) { self.scanner = scanner }
}

extension ScannedCommit {
    /// The same commit with each event's place in its line found.
    func locatingEvents() -> ScannedCommit {
        guard sealed.eventRanges == nil else { return self }
        return ScannedCommit(sealed: sealed.locatingEvents(), offset: offset)
    }
}
