import Foundation
import TiesCore

/// Shares one ledger between threads, for the HTTP server: a single writer
/// thread that drains the queue of write requests and commits them together
/// (group commit: one append, one `fdatasync`, then every caller is
/// answered), and a small pool of reader connections.
///
/// `@unchecked Sendable`: every mutable field is guarded by `condition`; the
/// writer `Ledger` is touched only by the writer thread, and each reader
/// `Ledger` only by the thread that has borrowed it from the pool.
public final class LedgerService: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [PendingWrite] = []
    private var stopping = false
    /// Set when the server stops: long polls return at once.
    private var waitersReleased = false
    private var writerFinished = false
    private var readers: [Ledger]
    private var published: (seq: Int64, hash: String)
    private var syncs = 0
    private let writer: Ledger
    /// Most requests one group takes from the queue.
    public static let groupSizeMax = 512

    /// Opens the ledger for writing (taking the writer lock) and `readerCount` readers.
    public init(directory: String, readerCount: Int = 4, warn: @escaping @Sendable (String) -> Void) throws(LedgerError) {
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

    /// The last durable seq and its hash.
    public var head: (seq: Int64, hash: String) {
        condition.lock()
        defer { condition.unlock() }
        return published
    }

    /// How many `fdatasync`s the writer has made (group commit shows as
    /// fewer syncs than commits).
    public var syncCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return syncs
    }

    /// Queues a commit and waits until it is durable (or rejected).
    public func write(_ request: CommitRequest) -> Result<CommitReceipt, LedgerError> {
        let pending = PendingWrite(request)
        condition.lock()
        guard !stopping else {
            condition.unlock()
            return .failure(LedgerError(.ledgerBusy, "the server is shutting down; the request was not committed"))
        }
        queue.append(pending)
        condition.broadcast()
        while pending.result == nil { condition.wait() }
        condition.unlock()
        return pending.result!
    }

    /// Runs `body` with a reader connection brought up to the newest commit.
    public func read<T>(_ body: (Ledger) throws(LedgerError) -> T) throws(LedgerError) -> T {
        condition.lock()
        while readers.isEmpty { condition.wait() }
        let reader = readers.removeLast()
        condition.unlock()
        defer {
            condition.lock()
            readers.append(reader)
            condition.signal()
            condition.unlock()
        }
        return try reader.readingConsistently(body)
    }

    /// Waits until the head passes `seq` or `timeoutMs` runs out; returns the head.
    public func awaitHead(after seq: Int64, timeoutMs: Int) -> Int64 {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMs) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while published.seq <= seq && !stopping && !waitersReleased {
            if !condition.wait(until: deadline) { break }
        }
        return published.seq
    }

    /// Wakes every `awaitHead` and makes later ones return at once.
    public func releaseWaiters() {
        condition.lock()
        waitersReleased = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops taking writes, finishes the queued ones, waits for the writer
    /// thread (at most `timeoutMs`). Every acknowledged commit is already durable.
    public func shutdown(timeoutMs: Int) {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMs) / 1000)
        condition.lock()
        stopping = true
        condition.broadcast()
        while !writerFinished {
            if !condition.wait(until: deadline) { break }
        }
        condition.unlock()
    }

    private func writerLoop() {
        while let group = nextGroup() {
            let outcomes: [Result<CommitReceipt, LedgerError>]
            do {
                outcomes = try writer.commitGroup(group.map(\.request))
            } catch {
                outcomes = Array(repeating: .failure(error), count: group.count)
            }
            condition.lock()
            for (pending, outcome) in zip(group, outcomes) { pending.result = outcome }
            if outcomes.contains(where: { (try? $0.get())?.lastSeq != nil }) { syncs += 1 }
            published = (writer.headSeq, writer.headHash)
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The queued requests, or nil once stopping with nothing left.
    private func nextGroup() -> [PendingWrite]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            if stopping {
                writerFinished = true
                condition.broadcast()
                return nil
            }
            condition.wait()
        }
        let group = Array(queue.prefix(Self.groupSizeMax))
        queue.removeFirst(group.count)
        return group
    }
}

/// A write waiting for the writer thread; `result` is set under the service's lock.
private final class PendingWrite {
    let request: CommitRequest
    var result: Result<CommitReceipt, LedgerError>?

    init(_ request: CommitRequest) {
        self.request = request
    }
}
