import Foundation
import TiesCore
import TiesSystem

/// The background scrub of `ties serve`: a full pass over the log —
/// every checksum and the hash chain — at start, then every
/// `ScrubPolicy.everyHours`, reading at most `mbPerSecond`. Damage it finds
/// is kept in `damaged.json` (DamageRecord): writes are then refused and
/// health answers 503 until `ties repair` or a `ties verify` that finds the
/// log whole. It reads through a file descriptor of its own; a line still
/// being appended at the end is a tail, not damage. Its thread runs at a
/// lower CPU priority (`Limits.scrubThreadNiceness`) than the requests.
///
/// `@unchecked Sendable`: the mutable state is guarded by `condition`.
public final class LogScrub: @unchecked Sendable {
    /// What the scrub has done, for `GET /v1/health`.
    public struct Progress: Sendable, Equatable {
        public var passesCompleted = 0
        public var running = false
        public var bytesDone: Int64 = 0
        public var bytesTotal: Int64 = 0
        public var lastPassEndedAt: Timestamp?
        public var lastProblem: String?
    }

    private let layout: LedgerLayout
    private let policy: ScrubPolicy
    private let warn: @Sendable (String) -> Void
    /// Guards `state`.
    private let condition = NSCondition()
    private var state = Progress()
    private let thread: BackgroundThread

    public init(directory: String, policy: ScrubPolicy, warn: @escaping @Sendable (String) -> Void) {
        layout = LedgerLayout(directory: directory)
        self.policy = policy
        self.warn = warn
        // A pass hashes the whole log: it must not slow the server's requests.
        thread = BackgroundThread(name: "ties-scrub", niceness: Limits.scrubThreadNiceness, warn: warn)
    }

    public var progress: Progress {
        condition.lock()
        defer { condition.unlock() }
        return state
    }

    public func start() {
        thread.start { [self] in run() }
    }

    /// Stops the scrub and waits for its thread (it checks every 100 ms;
    /// at most `Limits.writerStopWaitMs`, then it ends on its own, reading
    /// only its own file descriptor); stopping again returns at once.
    public func stop() {
        thread.stop()
    }

    private var isStopped: Bool { thread.isStopped }

    /// True when no pass has ended yet, or the last one ended `everyHours` ago.
    func isDue(nowMs: Int64) -> Bool {
        guard let ended = progress.lastPassEndedAt else { return true }
        return Double(nowMs - ended.millisecondsSinceEpoch) >= policy.everyHours * 3_600_000
    }

    /// The next pass, at the policy's speed; the first one at least fast
    /// enough to cover a 1 GB log within a minute.
    func nextPass() {
        let first = progress.passesCompleted == 0
        pass(mbPerSecond: first ? max(policy.mbPerSecond, Limits.scrubFirstPassMBPerSecondMin) : policy.mbPerSecond)
    }

    private func run() {
        while !isStopped {
            nextPass()
            // Until the next pass, or until stopped.
            if thread.rest(until: Date(timeIntervalSinceNow: policy.everyHours * 3_600)) { break }
        }
    }

    /// One pass over the log as it is when the pass starts.
    func pass(mbPerSecond: Double) {
        do throws(LedgerError) {
            let log = try LogFile(layout, writable: false)
            let total = try log.currentSize()
            update { $0.running = true; $0.bytesDone = 0; $0.bytesTotal = total }
            var pace = ScrubPace(bytesPerSecond: mbPerSecond * 1_000_000)
            var scanner = log.scanner(from: 0, expectedSeq: 1, expectedPrevious: CommitCodec.genesisHash)
            while let scanned = try scanner.next(), !isStopped {
                update { $0.bytesDone = scanned.endOffset }
                if scanned.endOffset >= total { break }
                while !isStopped, let wait = pace.wait(afterBytes: scanned.endOffset) { Thread.sleep(forTimeInterval: min(0.1, wait)) }
            }
            let finished = !isStopped
            update {
                $0.running = false
                if finished { $0.passesCompleted += 1; $0.lastPassEndedAt = Ledger.clock(); $0.lastProblem = nil }
            }
        } catch {
            update { $0.running = false; $0.lastProblem = error.message }
            guard error.code == .ledgerDamaged else {
                warn("the background scrub could not read the log: \(error.message)")
                return
            }
            warn("the background scrub found damage: \(error.message)")
            let record = DamageRecord(seq: error.details["seq"]?.int64Value, offset: error.details["offset"]?.int64Value,
                                      foundAt: Ledger.clock(), foundBy: "scrub", message: DamageRecord.withoutPaths(error.message, layout))
            do throws(LedgerError) {
                try record.save(layout)
            } catch {
                warn("the background scrub could not record the damage in \(layout.damaged): \(error.message)")
            }
        }
    }

    private func update(_ change: (inout Progress) -> Void) {
        condition.lock()
        change(&state)
        condition.unlock()
    }
}

/// The scrub's speed limit: how long to wait after `bytes` so the pass
/// reads at most `bytesPerSecond`. A pass held up (by the disk, by other
/// work) does not then burst to catch up: falling more than a second
/// behind moves the start of the reckoning.
struct ScrubPace {
    let bytesPerSecond: Double
    private var startNs = SystemClock.monotonicNanoseconds()
    private var startBytes: Int64 = 0

    init(bytesPerSecond: Double) { self.bytesPerSecond = bytesPerSecond }

    /// Seconds to wait before reading on, nil when none.
    mutating func wait(afterBytes bytes: Int64) -> Double? {
        let now = SystemClock.monotonicNanoseconds()
        let elapsed = Double(now &- startNs) / 1e9
        let due = Double(bytes - startBytes) / bytesPerSecond
        if elapsed - due > 1 {
            (startNs, startBytes) = (now, bytes)
            return nil
        }
        return due > elapsed ? due - elapsed : nil
    }
}
