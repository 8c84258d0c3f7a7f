import Dispatch
import TiesCore

/// A group's new record keys and log lines made durable on a helper
/// thread, in that order (a key is durable before any value it sealed is),
/// while the writer applies the group to the projection's open batch
/// (`Ledger.appendWhileApplying`).
///
/// `@unchecked Sendable`: the writer hands `log` and `keys` over from
/// `start()` until `wait()` returns and uses neither meanwhile (the
/// projection's apply reaches the key store only to open sealed values
/// that have no plain value, and a decided upsert always has its plain
/// values); `result` is written before `done` is signalled and read after it.
final class DurableAppend: @unchecked Sendable {
    private let log: LogFile
    private let keys: RecordKeys?
    private let newKeys: [RecordRef: [UInt8]]
    private let lines: [[UInt8]]
    private var result: Result<[Int64], LedgerError>?
    private let done = DispatchSemaphore(value: 0)

    init(log: LogFile, keys: RecordKeys?, newKeys: [RecordRef: [UInt8]], lines: [[UInt8]]) {
        self.log = log
        self.keys = keys
        self.newKeys = newKeys
        self.lines = lines
    }

    func start() {
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result { () throws(LedgerError) -> [Int64] in
                try self.keys?.store(self.newKeys)
                return try self.log.append(self.lines)
            }
            self.done.signal()
        }
    }

    /// The lines' offsets once they are durable, or why they are not.
    func wait() -> Result<[Int64], LedgerError> {
        done.wait()
        return result ?? .failure(LedgerError(.ioError, "the log append finished without a result"))
    }
}
