import Foundation
import Synchronization
import TiesCore
import TiesSystem

/// The socket in the ledger directory (`serve.sock`) through which CLI
/// writes reach the `ties serve` that holds the ledger: while a server holds
/// the writer lock, `ties link`, `ties import` and the other write verbs
/// hand their commits to it, and its writer commits them in the same group
/// commits as the HTTP writes (see the Commands article).
///
/// Only the server's own user may connect: the socket file is owner-only
/// and each peer's uid is checked. That user is the principal of the
/// commits. One thread per connection (at most
/// `Limits.writeSocketConnectionsMax`), each request answered before the
/// next is read.
public final class WriteSocketServer: Sendable {
    private let listener: Int32
    private let path: String
    private let service: LedgerService
    private let principal: String
    private let state = Mutex(State())

    private struct State {
        var stopping = false
        var acceptorRunning = false
        /// Open connections, and whether each is waiting for a request.
        var idle: [Int32: Bool] = [:]
        var listenerClosed = false
    }

    /// Listens at the ledger's `serve.sock`, replacing the file of a server
    /// that died (the caller holds the writer lock, so no other server lives).
    public init(service: LedgerService) throws(LedgerError) {
        path = service.layout.writeSocket
        do {
            listener = try UnixSocket.listen(path: path)
        } catch {
            throw LedgerError(.ioError, "cannot listen on \(path): \(error.reason) (errno \(error.errno))",
                              details: ["syscall": .string(error.call), "errno": .int(Int64(error.errno))])
        }
        self.service = service
        principal = CurrentProcess.userName()
    }

    public func start() {
        state.withLock { $0.acceptorRunning = true }
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "ties-write-socket"
        thread.start()
    }

    /// Stops taking CLI writes: removes the socket file (later CLI writes
    /// open the ledger themselves once the writer lock is free), stops
    /// accepting and closes idle connections. Connections in the middle of
    /// a request are left to finish (`finish`).
    public func stopAccepting() {
        state.withLock { state in
            state.stopping = true
            // Under the lock: a connection forgets its descriptor under it
            // before closing, so these are certainly still its sockets.
            state.idle.filter(\.value).keys.forEach(Socket.shutdown)
        }
        UnixSocket.remove(path: path)
        // Only `finish` closes the listener, so this is still its descriptor.
        Socket.shutdown(listener)
    }

    /// Waits up to `graceMs` for the requests being handled to be answered,
    /// then closes what is left and the listener.
    public func finish(graceMs: Int) {
        stopAccepting()
        if !SystemClock.waitUntil(timeoutMs: graceMs, { state.withLock { $0.idle.isEmpty && !$0.acceptorRunning } }) {
            state.withLock { $0.idle.keys.forEach(Socket.shutdown) }
            _ = SystemClock.waitUntil(timeoutMs: Limits.writeSocketFrameMs, { state.withLock { !$0.acceptorRunning } })
        }
        state.withLock { state in
            guard !state.listenerClosed else { return }
            state.listenerClosed = true
            Socket.close(listener)
        }
    }

    private func acceptLoop() {
        defer { state.withLock { $0.acceptorRunning = false } }
        while let fd = Socket.accept(listener) {
            if let refusal = refusal(fd) {
                var timeouts = Socket.Timeouts()
                _ = WriteSocketFrames.write(fd, WriteSocketMessages.encode(.failure(refusal)), timeoutMs: Limits.writeSocketFrameMs, timeouts: &timeouts)
                Socket.close(fd)
                if state.withLock(\.stopping) { return }
                continue
            }
            let thread = Thread { [self] in serve(fd) }
            thread.name = "ties-write-socket-connection"
            thread.start()
        }
    }

    /// Why a new connection is turned away, or nil when it is admitted.
    private func refusal(_ fd: Int32) -> LedgerError? {
        guard let peer = UnixSocket.peerUserID(fd), peer == UnixSocket.ownUserID else {
            return LedgerError(.ledgerBusy, "this ledger is held by `ties serve` running as uid \(UnixSocket.ownUserID); only that user's CLI writes are handed to it")
        }
        return state.withLock { state -> LedgerError? in
            if state.stopping { return LedgerError(.ledgerBusy, "the server is stopping; the request was not committed") }
            guard state.idle.count < Limits.writeSocketConnectionsMax else {
                return LedgerError(.ledgerBusy, "the server is taking \(Limits.writeSocketConnectionsMax) CLI writes already; try again shortly")
            }
            state.idle[fd] = true
            return nil
        }
    }

    /// Answers the connection's requests one by one until it closes, idles
    /// out, breaks, or the server stops.
    private func serve(_ fd: Int32) {
        defer {
            state.withLock { $0.idle[fd] = nil }
            Socket.close(fd)
        }
        var timeouts = Socket.Timeouts()
        while mark(fd, idle: true) {
            let read = WriteSocketFrames.read(fd, firstByteMs: Limits.writeSocketIdleMs, restMs: Limits.writeSocketFrameMs, timeouts: &timeouts)
            guard mark(fd, idle: false) else { return }
            let answer: Result<CommitReceipt, LedgerError>
            switch read {
            case .frame(let bytes):
                do {
                    answer = service.write(try WriteSocketMessages.decodeRequest(bytes, principal: principal))
                } catch {
                    answer = .failure(error)
                }
            case .tooLarge(let length):
                answer = .failure(LedgerError(.payloadTooLarge, "a request of \(length) bytes is over the \(Limits.writeSocketFrameBytesMax)-byte limit"))
            case .closed, .timedOut, .failed:
                return
            }
            guard WriteSocketFrames.write(fd, WriteSocketMessages.encode(answer), timeoutMs: Limits.writeSocketFrameMs, timeouts: &timeouts),
                  case .frame = read else { return }
        }
    }

    /// Marks a connection idle (waiting for a request) or busy; false when
    /// the server is stopping and an idle connection should close instead.
    private func mark(_ fd: Int32, idle: Bool) -> Bool {
        state.withLock { state in
            state.idle[fd] = idle
            return !(idle && state.stopping)
        }
    }
}
