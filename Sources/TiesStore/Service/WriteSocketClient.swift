import TiesCore
import TiesSystem

/// The CLI's end of the write socket (see `WriteSocketServer`): hands
/// commits to the `ties serve` that holds the ledger and returns its
/// answers, the same values a local commit returns. One connection, kept
/// for the commits of one command (an import's batches).
public final class WriteSocketClient {
    private let path: String
    private var fd: Int32
    private var timeouts = Socket.Timeouts()
    private var lastUseMs: Int64

    /// Connects to the server holding the ledger at `layout`; nil when no
    /// server listens there (the CLI then opens the ledger itself).
    public static func connect(_ layout: LedgerLayout) throws(LedgerError) -> WriteSocketClient? {
        guard let fd = try open(layout.writeSocket) else { return nil }
        return WriteSocketClient(path: layout.writeSocket, fd: fd)
    }

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
        lastUseMs = SystemClock.monotonicMilliseconds()
    }

    deinit {
        Socket.close(fd)
    }

    private static func open(_ path: String) throws(LedgerError) -> Int32? {
        do {
            return try UnixSocket.connect(path: path, timeoutMs: Limits.writeSocketFrameMs)
        } catch where error.isPermissionDenied {
            guard let owner = UnixSocket.socketOwner(path: path), owner != UnixSocket.ownUserID else {
                // Not another user's server: opening the ledger reports what is wrong.
                return nil
            }
            throw LedgerError(.ledgerBusy, "a `ties serve` of another user (uid \(owner)) holds this ledger; CLI writes are handed only to a server of the same user")
        } catch {
            throw LedgerError(.ioError, "cannot reach the server at \(path): \(error.reason) (errno \(error.errno))",
                              details: ["syscall": .string(error.call), "errno": .int(Int64(error.errno))])
        }
    }

    /// Commits `request` through the server. Errors are the server's own
    /// (the same codes as a local commit), or `io_error` when the server
    /// stopped or broke before answering: then nothing is acknowledged, and
    /// the commit may or may not have been made.
    public func commit(_ request: CommitRequest) throws(LedgerError) -> CommitReceipt {
        let message = WriteSocketMessages.encode(request)
        guard message.count <= Limits.writeSocketFrameBytesMax else {
            throw LedgerError(.payloadTooLarge, "the request takes \(message.count) bytes, over the \(Limits.writeSocketFrameBytesMax)-byte limit of one hand-over to the server; make it smaller (import: a smaller --batch)")
        }
        try reconnectIfIdle()
        guard WriteSocketFrames.write(fd, message, timeoutMs: Limits.writeSocketFrameMs, timeouts: &timeouts) else {
            // A server that turns a connection away (busy, stopping) says why
            // and closes it, perhaps before the request was sent: its answer
            // is still there to read. Either way the request was not taken whole.
            if case .frame(let refusal) = WriteSocketFrames.read(fd, firstByteMs: 0, restMs: Limits.writeSocketFrameMs, timeouts: &timeouts),
               case .failure(let error) = try WriteSocketMessages.decodeAnswer(refusal) {
                throw error
            }
            throw LedgerError(.ioError, "the server holding the ledger closed the connection before taking the request; nothing was committed",
                              details: ["committed": .bool(false)])
        }
        let read = WriteSocketFrames.read(fd, firstByteMs: Limits.writeSocketAnswerWaitMs, restMs: Limits.writeSocketFrameMs, timeouts: &timeouts)
        lastUseMs = SystemClock.monotonicMilliseconds()
        switch read {
        case .frame(let bytes):
            return try WriteSocketMessages.decodeAnswer(bytes).get()
        case .timedOut:
            throw unanswered("did not answer within \(Limits.writeSocketAnswerWaitMs / 1000) s")
        case .closed, .failed, .tooLarge:
            throw unanswered("stopped before answering")
        }
    }

    /// The server closes connections idle for `Limits.writeSocketIdleMs`;
    /// one idle for half that is replaced before it is used, so a request
    /// is never sent into a connection the server is closing.
    private func reconnectIfIdle() throws(LedgerError) {
        guard SystemClock.monotonicMilliseconds() - lastUseMs > Int64(Limits.writeSocketIdleMs / 2) else { return }
        Socket.close(fd)
        fd = -1
        guard let fresh = try Self.open(path) else {
            throw LedgerError(.ioError, "the server that held the ledger has stopped; nothing more was committed", details: ["committed": .bool(false)])
        }
        fd = fresh
        timeouts = Socket.Timeouts()
    }

    private func unanswered(_ what: String) -> LedgerError {
        LedgerError(.ioError, "the server holding the ledger \(what); the commit may or may not have been made (look with `ties log`, or retry with the same --idempotency-key)")
    }
}
