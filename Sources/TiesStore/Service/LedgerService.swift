import Foundation
import TiesCore

/// Shares one ledger between threads, for the HTTP server: a single writer
/// thread that drains the queue of write requests and commits them together
/// (group commit: one append, one `fdatasync`, then every caller is
/// answered), and a small pool of reader connections.
///
/// `@unchecked Sendable`: every mutable field is guarded by `queueLock` or `stateLock`; the
/// writer `Ledger` is touched only by the writer thread, and each reader
/// `Ledger` only by the thread that has borrowed it from the pool.
public final class LedgerService: @unchecked Sendable {
    /// Guards `queue` and `stopping`; the writer thread waits on it.
    private let queueLock = NSCondition()
    private var queue: [PendingWrite] = []
    private var stopping = false
    /// Guards the rest; readers of the head and long polls wait on it.
    private let stateLock = NSCondition()
    /// Set when the server stops: long polls return at once.
    private var waitersReleased = false
    private var writerFinished = false
    private var readers: [Ledger]
    /// Readers lent out by `read` right now.
    private var readersLent = 0
    /// Set by `shutdown`: `read` refuses, and a reader given back is closed.
    private var closing = false
    /// Calls waiting in `awaitHead` right now.
    private var waiting = 0
    private var published: (seq: Int64, hash: String)
    private var syncs = 0
    private let writer: Ledger

    /// Opens the ledger for writing (taking the writer lock) and `readerCount` readers.
    public init(directory: String, readerCount: Int = Limits.readersPerLedger, warn: @escaping @Sendable (String) -> Void) throws(LedgerError) {
        writer = try Ledger.open(at: directory, access: .write, warn: warn)
        var readers: [Ledger] = []
        for _ in 0..<max(1, readerCount) {
            readers.append(try Ledger.open(at: directory, access: .read, warn: warn))
        }
        self.readers = readers
        published = (writer.headSeq, writer.headHash)
        let thread = Thread { [self] in writerLoop() }
        thread.name = "ties-writer"
        thread.start()
    }

    /// Where the ledger is (a constant of the writer, safe from any thread).
    public var layout: LedgerLayout { writer.layout }

    /// The last durable seq and its hash.
    public var head: (seq: Int64, hash: String) {
        stateLock.lock()
        defer { stateLock.unlock() }
        return published
    }

    /// How many `fdatasync`s the writer has made (group commit shows as
    /// fewer syncs than commits).
    public var syncCount: Int {
        stateLock.lock()
        defer { stateLock.unlock() }
        return syncs
    }

    /// Queues a commit and waits until it is durable (or rejected). Only
    /// the writer is woken by the queue; each caller waits on its own
    /// semaphore, so a commit costs a few context switches, not one per waiter.
    public func write(_ request: CommitRequest) -> Result<CommitReceipt, LedgerError> {
        let pending = PendingWrite(request)
        queueLock.lock()
        guard !stopping else {
            queueLock.unlock()
            return .failure(LedgerError(.ledgerBusy, "the server is shutting down; the request was not committed"))
        }
        queue.append(pending)
        queueLock.signal()
        queueLock.unlock()
        pending.done.wait()
        return pending.result ?? .failure(LedgerError(.ioError, "the writer ended without answering"))
    }

    /// Runs `body` with a reader connection brought up to the newest commit.
    public func read<T>(_ body: (Ledger) throws(LedgerError) -> T) throws(LedgerError) -> T {
        stateLock.lock()
        while readers.isEmpty && !closing { stateLock.wait() }
        guard !closing else {
            stateLock.unlock()
            throw LedgerError(.ledgerBusy, "the server is shutting down; the request was not read")
        }
        let reader = readers.removeLast()
        readersLent += 1
        stateLock.unlock()
        defer {
            stateLock.lock()
            readersLent -= 1
            let closeIt = closing
            if !closeIt { readers.append(reader) }
            stateLock.broadcast()
            stateLock.unlock()
            if closeIt { reader.close() }
        }
        return try reader.readingConsistently(body)
    }

    /// Waits until the head passes `seq` or `timeoutMs` runs out; returns the head.
    public func awaitHead(after seq: Int64, timeoutMs: Int) -> Int64 {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMs) / 1000)
        stateLock.lock()
        defer { stateLock.unlock() }
        waiting += 1
        defer { waiting -= 1 }
        while published.seq <= seq && !waitersReleased {
            if !stateLock.wait(until: deadline) { break }
        }
        return published.seq
    }

    /// How many calls are waiting in `awaitHead` now: something to wait
    /// for ("the long poll has arrived") instead of sleeping.
    public var headWaiters: Int {
        stateLock.lock()
        defer { stateLock.unlock() }
        return waiting
    }

    /// Wakes every `awaitHead` and makes later ones return at once.
    public func releaseWaiters() {
        stateLock.lock()
        waitersReleased = true
        stateLock.broadcast()
        stateLock.unlock()
    }

    /// Undoes `releaseWaiters`: later `awaitHead` calls wait again (a
    /// ledger that was to be closed, and is served on after all).
    public func resumeWaiters() {
        stateLock.lock()
        waitersReleased = false
        stateLock.unlock()
    }

    /// Stops taking writes, finishes the queued ones, waits for the writer
    /// thread and for lent readers (at most `timeoutMs`), then closes the
    /// ledgers no thread uses any more. Every acknowledged commit is already
    /// durable. Once this returns the files rest (SQLite has checkpointed and
    /// removed its `-wal` and `-shm`) and the writer lock is free, whichever
    /// thread lets go of the service last.
    public func shutdown(timeoutMs: Int) {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMs) / 1000)
        queueLock.lock()
        stopping = true
        queueLock.signal()
        queueLock.unlock()
        releaseWaiters()
        stateLock.lock()
        closing = true
        stateLock.broadcast()
        while !writerFinished || readersLent > 0 {
            if !stateLock.wait(until: deadline) { break }
        }
        let idle = readers
        readers.removeAll()
        let writerDone = writerFinished
        stateLock.unlock()
        // A reader still lent out is closed when it is given back.
        idle.forEach { $0.close() }
        if writerDone { writer.close() }
    }

    private func writerLoop() {
        while let group = nextGroup() {
            let outcomes: [Result<CommitReceipt, LedgerError>]
            do {
                outcomes = try writer.commitGroup(group.map(\.request))
            } catch {
                outcomes = Array(repeating: .failure(error), count: group.count)
            }
            stateLock.lock()
            // Only a group that appended a line synced (a replay or an unkeyed no-op did not).
            if outcomes.contains(where: { (try? $0.get())?.hash != nil }) { syncs += 1 }
            published = (writer.headSeq, writer.headHash)
            stateLock.broadcast()
            stateLock.unlock()
            for (pending, outcome) in zip(group, outcomes) {
                pending.result = outcome
                pending.done.signal()
            }
        }
        stateLock.lock()
        writerFinished = true
        stateLock.broadcast()
        stateLock.unlock()
    }

    /// The queued requests, or nil once stopping with nothing left. Waits in
    /// bounded slices so a missed signal costs at most a second.
    private func nextGroup() -> [PendingWrite]? {
        queueLock.lock()
        defer { queueLock.unlock() }
        while queue.isEmpty {
            if stopping { return nil }
            _ = queueLock.wait(until: Date(timeIntervalSinceNow: 1))
        }
        let group = Array(queue.prefix(Limits.groupCommitRequestsMax))
        queue.removeFirst(group.count)
        precondition((1...Limits.groupCommitRequestsMax).contains(group.count), "a group of \(group.count) requests")
        return group
    }
}

/// A write waiting for the writer thread: the writer sets `result`, then
/// signals `done` (the semaphore orders the two for the waiting caller).
private final class PendingWrite: @unchecked Sendable {
    let request: CommitRequest
    var result: Result<CommitReceipt, LedgerError>?
    let done = DispatchSemaphore(value: 0)

    init(_ request: CommitRequest) {
        self.request = request
    }
}
