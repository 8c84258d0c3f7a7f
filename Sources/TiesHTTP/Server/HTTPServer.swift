import Foundation
import Synchronization
import TiesCore
import TiesSystem

/// A small blocking HTTP/1.1 server: one thread accepts, one thread per
/// connection (at most `connectionsMax`) parses with `HTTPRequestParser`
/// and answers in order, pipelined or not. Every wait has a timeout, and
/// idle connections never lock new clients out (`HTTPLimits.connectionsMax`).
public final class HTTPServer: Sendable {
    public let port: UInt16
    private let listener: Int32
    private let configuration: HTTPServerConfiguration
    private let handler: @Sendable (HTTPRequest) -> HandledResponse
    /// Requests the handler admits itself, holding no in-flight slot here:
    /// long polls, so followers waiting for commits never lock out the
    /// writes they wait for, and every request of a many-ledger server,
    /// which takes its ledger's share of the slots first (`LedgersAPI`).
    /// The connection cap still bounds them.
    private let admitsItself: @Sendable (HTTPRequest) -> Bool
    /// The answer to a request refused from its head alone, or nil to read
    /// its body: asked before a body is read, so a request that will be
    /// refused (no key) cannot make the server buffer one.
    private let screen: @Sendable (HTTPRequest) -> HandledResponse?
    private let log: @Sendable (String) -> Void
    private let inFlight: DispatchSemaphore
    private let state = Mutex(State())

    /// A connection waiting for a request.
    private struct Idle {
        /// Orders connections idle since the same millisecond.
        let ticket: UInt64
        /// Monotonic ms.
        let sinceMs: Int64
        /// Answered before: a keep-alive client between two requests.
        let answered: Bool
    }

    private struct Connection {
        /// Since when it has been idle; nil while it reads or answers a request.
        var idle: Idle?
        /// Since when it has been reading a request head (monotonic ms);
        /// nil when idle, reading a body or being answered.
        var headSinceMs: Int64?
        /// Since when it has been sending an answer, or its current chunk
        /// (monotonic ms): one the client does not read stays unsent; nil
        /// otherwise.
        var sendingSinceMs: Int64?

        /// Since when it has held its slot without use, if it has: idle at
        /// once, or after `pauseMs` if it has been answered (its client's
        /// next request is on its way); slow (a head trickling, an answer
        /// unread) after `slowMs`.
        func wastedSinceMs(nowMs: Int64, slowMs: Int, pauseMs: Int) -> Int64? {
            if let idle {
                return idle.answered && nowMs - idle.sinceMs < Int64(pauseMs) ? nil : idle.sinceMs
            }
            guard let since = headSinceMs ?? sendingSinceMs, nowMs - since >= Int64(slowMs) else { return nil }
            return since
        }
    }

    private struct State {
        var stopping = false
        var connections: [Int32: Connection] = [:]
        /// Counts up as connections become idle: the lowest ticket is the
        /// connection idle the longest.
        var lastTicket: UInt64 = 0
        var acceptorRunning = false

        mutating func nextTicket() -> UInt64 {
            lastTicket += 1
            return lastTicket
        }
    }

    public init(configuration: HTTPServerConfiguration, log: @escaping @Sendable (String) -> Void,
                admitsItself: @escaping @Sendable (HTTPRequest) -> Bool = { _ in false },
                screen: @escaping @Sendable (HTTPRequest) -> HandledResponse? = { _ in nil },
                handler: @escaping @Sendable (HTTPRequest) -> HandledResponse) throws(LedgerError) {
        do {
            listener = try Socket.listen(host: configuration.host, port: configuration.port)
        } catch {
            throw Self.listenFailure(error, configuration)
        }
        port = Socket.boundPort(listener)
        self.configuration = configuration
        self.handler = handler
        self.admitsItself = admitsItself
        self.screen = screen
        self.log = log
        inFlight = DispatchSemaphore(value: configuration.requestsInFlightMax)
    }

    /// A host that does not resolve is the user's mistake (`invalid_field`);
    /// a port that cannot be bound is the machine's (`io_error`).
    private static func listenFailure(_ failure: SystemError, _ configuration: HTTPServerConfiguration) -> LedgerError {
        if failure.isUnresolvedHost {
            return LedgerError(.invalidField, "cannot resolve host '\(configuration.host)': \(failure.reason)", details: ["field": .string("host")])
        }
        return LedgerError(.ioError, "cannot listen on \(configuration.host):\(configuration.port): \(failure.reason) (errno \(failure.errno))",
                           details: ["syscall": .string(failure.call), "errno": .int(Int64(failure.errno))])
    }

    /// Open connections, and how many of them are idle (waiting for a
    /// request, so the first to be closed to make room).
    public var openConnections: (total: Int, idle: Int) {
        state.withLock { state in (state.connections.count, state.connections.values.filter { $0.idle != nil }.count) }
    }

    /// Starts accepting on a thread of its own.
    public func start() {
        state.withLock { $0.acceptorRunning = true }
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "ties-http-accept"
        thread.start()
    }

    /// Stops accepting, closes idle connections, lets busy ones finish their
    /// request, and returns once all are closed or `graceMs` has passed.
    /// `wake` runs once no answer can keep its connection open any more:
    /// the place to end requests that wait on purpose (long polls).
    public func stop(graceMs: Int, wake: () -> Void = {}) {
        state.withLock { state in
            state.stopping = true
            // Under the lock: a connection forgets its descriptor under it
            // before closing, so these are certainly still its sockets.
            state.connections.filter { $0.value.idle != nil }.keys.forEach(Socket.shutdown)
        }
        wake()
        Socket.shutdown(listener)
        if SystemClock.waitUntil(timeoutMs: graceMs, { state.withLock { $0.connections.isEmpty && !$0.acceptorRunning } }) { return }
        state.withLock { $0.connections.keys.forEach(Socket.shutdown) }
    }

    private var isStopping: Bool { state.withLock(\.stopping) }

    private enum Admission {
        case admitted(closedToMakeRoom: Int32?)
        case refused
    }

    private func acceptLoop() {
        defer {
            Socket.close(listener)
            state.withLock { $0.acceptorRunning = false }
        }
        while let fd = Socket.accept(listener) {
            switch admit(fd) {
            case .refused:
                let problem = Problem.response(status: 503, code: "service_unavailable", detail: "too many open connections; retry shortly")
                Socket.sendOnce(fd, problem.serialized(keepAlive: false), timeoutMs: HTTPLimits.closingSendTimeout.wholeMilliseconds)
                Socket.close(fd)
                log("- - 503 refused a connection: every one is busy")
                if isStopping { return }
                continue
            case .admitted(let closed):
                if closed != nil { log("- - closed the longest idle connection to make room for a new one") }
            }
            let thread = Thread { [self] in serve(fd) }
            thread.name = "ties-http-connection"
            thread.start()
        }
    }

    /// Admits a new connection, idle until its first byte. At the cap, the
    /// connection wasting its slot the longest makes room (`HTTPLimits.connectionsMax`):
    /// shut down under the lock, while it is certainly still that socket
    /// (its thread forgets it under this lock before closing it), and
    /// forgotten at once, so the cap holds. Its thread wakes, finds the
    /// connection closed, and ends.
    private func admit(_ fd: Int32) -> Admission {
        let nowMs = SystemClock.monotonicMilliseconds()
        return state.withLock { state in
            guard !state.stopping else { return .refused }
            var closed: Int32?
            if state.connections.count >= configuration.connectionsMax {
                guard let victim = Self.roomMaker(in: state.connections, nowMs: nowMs, configuration: configuration) else {
                    return .refused
                }
                Socket.shutdown(victim)
                state.connections[victim] = nil
                closed = victim
            }
            state.connections[fd] = Connection(idle: Idle(ticket: state.nextTicket(), sinceMs: nowMs, answered: false))
            return .admitted(closedToMakeRoom: closed)
        }
    }

    /// The connection to close for a new one: the one that has wasted its
    /// slot the longest (`Connection.wastedSinceMs`), leaving out idle ones
    /// whose next request has already arrived; nil when every connection is
    /// busy with a request. A keep-alive client in the pause between two
    /// requests is so never closed for a flood of new connections.
    private static func roomMaker(in connections: [Int32: Connection], nowMs: Int64,
                                  configuration: HTTPServerConfiguration) -> Int32? {
        var passedOver: Set<Int32> = []
        // Runs under the state lock at every admission past the cap: one
        // pass per candidate, no sort (usually the first one found is quiet).
        while true {
            var oldest: (fd: Int32, sinceMs: Int64, ticket: UInt64)?
            for (fd, connection) in connections where !passedOver.contains(fd) {
                guard let since = connection.wastedSinceMs(nowMs: nowMs, slowMs: configuration.slowClientEvictionMs,
                                                           pauseMs: configuration.keepAlivePauseMs) else { continue }
                let candidate = (fd: fd, sinceMs: since, ticket: connection.idle?.ticket ?? .max)
                if oldest.map({ (candidate.sinceMs, candidate.ticket) < ($0.sinceMs, $0.ticket) }) ?? true { oldest = candidate }
            }
            guard let oldest else { return nil }
            if oldest.ticket == .max || Socket.waitReadable(oldest.fd, timeoutMs: 0) == .timedOut { return oldest.fd }
            passedOver.insert(oldest.fd)
        }
    }

    /// What a connection is doing, as far as making room is concerned.
    private enum Activity { case idle, readingHead, busy, sending }

    /// Records what a connection is doing; false when it was closed to make
    /// room meanwhile, so its thread ends without handling what it read.
    @discardableResult
    private func note(_ fd: Int32, _ activity: Activity) -> Bool {
        let nowMs = SystemClock.monotonicMilliseconds()
        return state.withLock { state in
            guard var connection = state.connections[fd] else { return false }
            // Only a connection that has been answered becomes idle again.
            connection.idle = activity == .idle ? Idle(ticket: state.nextTicket(), sinceMs: nowMs, answered: true) : nil
            connection.headSinceMs = activity == .readingHead ? connection.headSinceMs ?? nowMs : nil
            connection.sendingSinceMs = activity == .sending ? nowMs : nil
            state.connections[fd] = connection
            return true
        }
    }

    /// Where a connection is between reads, which decides its timeout.
    private enum Phase {
        /// Accepted, not a byte yet: `firstByteTimeout`, then closed silently.
        case new(acceptedMs: Int64)
        /// Answered, waiting for the next request: `keepAliveIdleTimeout`.
        case betweenRequests
        /// A request has begun: its head (and body) timeouts run (→ 408).
        case inRequest(startedMs: Int64)
    }

    /// One connection: read, parse, answer in order, until close or timeout.
    private func serve(_ fd: Int32) {
        defer {
            state.withLock { _ = $0.connections.removeValue(forKey: fd) }
            Socket.close(fd)
        }
        var parser = HTTPRequestParser()
        var phase = Phase.new(acceptedMs: SystemClock.monotonicMilliseconds())
        var screened = false
        var timeouts = Socket.Timeouts()
        while true {
            do throws(HTTPParseError) {
                while let event = try parser.next() {
                    switch event {
                    case .expectContinue:
                        // A final status instead of 100 when the head is refused.
                        guard !refusedFromHead(parser, &screened, on: fd, timeouts: &timeouts), note(fd, .busy) else { return }
                        guard Socket.send(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), timeoutMs: configuration.bodyReadTimeoutMs,
                                          timeouts: &timeouts) else { return }
                    case .request(let request):
                        screened = false
                        phase = .betweenRequests
                        // Never handle a request whose connection was closed to make room.
                        guard note(fd, .busy), answer(request, on: fd, timeouts: &timeouts) else { return }
                    }
                }
            } catch {
                let response = Problem.response(error)
                Socket.send(fd, response.serialized(keepAlive: false), timeoutMs: HTTPLimits.closingSendTimeout.wholeMilliseconds, timeouts: &timeouts)
                log("- - \(error.status) refused: \(error.reason)")
                return
            }
            guard !refusedFromHead(parser, &screened, on: fd, timeouts: &timeouts) else { return }
            if parser.hasBufferedBytes, case .betweenRequests = phase {
                // Pipelined bytes of the next request: its head timeout runs.
                phase = .inRequest(startedMs: SystemClock.monotonicMilliseconds())
            }
            guard waitForBytes(fd, &parser, &phase, &timeouts) else { return }
        }
    }

    /// Once per request with a body still to come: asks `screen` about its
    /// head, and if it is refused, answers and says to close the connection
    /// (true) without reading the body.
    private func refusedFromHead(_ parser: HTTPRequestParser, _ screened: inout Bool, on fd: Int32,
                                 timeouts: inout Socket.Timeouts) -> Bool {
        guard !screened, let head = parser.headBeingRead else { return false }
        screened = true
        guard let refusal = screen(head) else { return false }
        Socket.send(fd, refusal.response.serialized(keepAlive: false, headOnly: head.method == "HEAD"),
                    timeoutMs: HTTPLimits.closingSendTimeout.wholeMilliseconds, timeouts: &timeouts)
        log("\(head.method) \(head.path) \(refusal.response.status) refused before its body \(refusal.principal ?? "-")")
        return true
    }

    /// Reads more bytes into the parser; false to close the connection
    /// (peer gone, stopping, a first byte or next request that did not
    /// come, or a request too slow: 408).
    private func waitForBytes(_ fd: Int32, _ parser: inout HTTPRequestParser, _ phase: inout Phase,
                              _ timeouts: inout Socket.Timeouts) -> Bool {
        let now = SystemClock.monotonicMilliseconds()
        let timeoutMs: Int
        switch phase {
        case .inRequest(let startedMs):
            let allowed = configuration.headerReadTimeoutMs + (parser.isReadingBody ? configuration.bodyReadTimeoutMs : 0)
            timeoutMs = Int(startedMs + Int64(allowed) - now)
            guard timeoutMs > 0 else { return timedOut(fd) }
        case .new(let acceptedMs):
            // Idle since it was admitted.
            if isStopping { return false }
            timeoutMs = Int(acceptedMs + Int64(configuration.firstByteTimeoutMs) - now)
            guard timeoutMs > 0 else { return false }
        case .betweenRequests:
            if isStopping { return false }
            note(fd, .idle)
            timeoutMs = configuration.keepAliveIdleTimeoutMs
        }
        switch Socket.receive(fd, maxBytes: HTTPLimits.receiveChunkBytes, timeoutMs: timeoutMs, timeouts: &timeouts) {
        case .bytes(let bytes):
            if case .inRequest = phase {} else {
                // The request's time runs from its first byte, not from the wait before it.
                phase = .inRequest(startedMs: SystemClock.monotonicMilliseconds())
            }
            parser.append(bytes)
            // Closed to make room while these bytes were on their way: drop them unread.
            return note(fd, parser.isReadingBody ? .busy : .readingHead)
        case .timedOut:
            if case .inRequest = phase { return timedOut(fd) }
            return false
        case .closed, .failed:
            return false
        }
    }

    private func timedOut(_ fd: Int32) -> Bool {
        let problem = Problem.response(status: 408, code: "request_timeout", detail: "the request did not arrive in time")
        Socket.sendOnce(fd, problem.serialized(keepAlive: false), timeoutMs: HTTPLimits.closingSendTimeout.wholeMilliseconds)
        log("- - 408 request timed out")
        return false
    }

    /// Sends a body file in chunks; false when the client went away or the
    /// file could not be read (the connection is then closed: its framing
    /// promised bytes that did not come).
    private func send(_ file: HTTPResponse.BodyFile, on fd: Int32, timeouts: inout Socket.Timeouts) -> Bool {
        guard let source = try? Files.open(file.path, .readOnly) else { return false }
        defer { Files.close(source) }
        var sentBytes = 0
        while sentBytes < file.size {
            var chunk: [UInt8] = []
            guard let read = try? Files.read(source, appendingTo: &chunk, count: min(HTTPLimits.bodyFileChunkBytes, file.size - sentBytes), path: file.path),
                  read > 0, note(fd, .sending),
                  Socket.send(fd, chunk, timeoutMs: configuration.bodyReadTimeoutMs, timeouts: &timeouts) else { return false }
            sentBytes += read
        }
        return true
    }

    /// Handles one request within the in-flight cap; false to close.
    private func answer(_ request: HTTPRequest, on fd: Int32, timeouts: inout Socket.Timeouts) -> Bool {
        let started = SystemClock.monotonicMilliseconds()
        let handled: HandledResponse
        if admitsItself(request) {
            handled = handler(request)
        } else if inFlight.wait(timeout: .now() + .milliseconds(configuration.inFlightWaitMs)) == .timedOut {
            handled = HandledResponse(Problem.response(status: 503, code: "service_unavailable", detail: "too many requests in flight; retry shortly"))
        } else {
            handled = handler(request)
            inFlight.signal()
        }
        let keepAlive = request.keepAlive && !isStopping
        // Closed to make room meanwhile: the answer has nowhere to go.
        guard note(fd, .sending) else { return false }
        var sent = Socket.send(fd, handled.response.serialized(keepAlive: keepAlive, headOnly: request.method == "HEAD"),
                               timeoutMs: configuration.bodyReadTimeoutMs, timeouts: &timeouts)
        if let file = handled.response.bodyFile {
            if sent && request.method != "HEAD" { sent = send(file, on: fd, timeouts: &timeouts) }
            try? Files.removeTree(file.directory)  // Temporary; nothing else reads it.
        }
        let path = request.path
        log("\(request.method) \(path) \(handled.response.status) \(SystemClock.monotonicMilliseconds() - started)ms \(handled.principal ?? "-")")
        return sent && keepAlive
    }
}
