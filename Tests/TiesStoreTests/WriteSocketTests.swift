import Foundation
import Testing
import TiesCore
@testable import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

/// The write socket of `ties serve` (WriteSocketServer / WriteSocketClient):
/// a commit handed over answers exactly what the writer answers, malformed
/// or oversized requests are refused without breaking the server, and the
/// socket is the owner's only.
@Suite("write socket")
struct WriteSocketTests {
    /// A ledger with `order` and `placed/order`, its service, and the socket server on it.
    final class Served {
        let directory: TemporaryDirectory
        let service: LedgerService
        let server: WriteSocketServer

        init(directory: TemporaryDirectory? = nil) throws {
            let directory = try directory ?? TemporaryDirectory("ties-write-socket-")
            self.directory = directory
            try Ledger.create(at: directory.path)
            service = try LedgerService(directory: directory.path, warn: { _ in })
            server = try WriteSocketServer(service: service)
            server.start()
            _ = try service.write(CommitRequest(operations: [Op.define("order"), Op.register(Keys.placed)], metadata: metadata())).get()
        }

        var layout: LedgerLayout { LedgerLayout(directory: directory.path) }

        func stop() {
            server.finish(graceMs: 10_000)
            service.shutdown(timeoutMs: 10_000)
            directory.cleanUp()
        }
    }

    @Test("Receipts and errors read back from their messages as they were")
    func answersRoundTrip() throws {
        let key = LinkKey(typeId: "rt_1", from: person("u1"), to: record("order", "o1"))
        let receipts = [
            CommitReceipt(results: [.link(key, created: true, changed: true), .unlink(key), .erased(person("u1"), changed: false)],
                          firstSeq: 7, lastSeq: 9, at: time("2026-03-03T10:00:00.123Z"), hash: String(repeating: "ab", count: 32)),
            CommitReceipt(results: [.attributes(key, changed: false)], firstSeq: 3, lastSeq: nil, replayed: true),
            CommitReceipt(results: [], firstSeq: 1, legacyResponse: .object(["status": .int(201), "body": .object(["seq": .int(1)])]), replayed: true),
        ]
        for receipt in receipts {
            #expect(try WriteSocketMessages.decodeAnswer(WriteSocketMessages.encode(.success(receipt))).get() == receipt)
        }
        let error = LedgerError(.ambiguousMatch, "two records hold it", details: ["candidates": .array([.string("person:a")]), "index": .int(2)])
        #expect(try WriteSocketMessages.decodeAnswer(WriteSocketMessages.encode(.failure(error))) == .failure(error))
        // What the server cannot have meant is an io_error: nothing is known of the commit.
        for garbage in ["", "{", #"{"receipt":{"results":[{"result":"nope"}]}}"#, #"{"error":{"code":"no_such_code","message":"m"}}"#] {
            expectLedgerError(.ioError, "\(garbage)") { try WriteSocketMessages.decodeAnswer(Array(garbage.utf8)) }
        }
    }

    @Test("A commit handed over gets the writer's own receipt, and its errors with their codes and details")
    func handedOverCommitsAnswerAsTheWriter() throws {
        let served = try Served()
        defer { served.stop() }
        let client = try #require(try WriteSocketClient.connect(served.layout))
        var request = CommitRequest(operations: [Op.link(Keys.placed, "u1", "o1", ["channel": .string("web")])], metadata: metadata("alice", reason: "sync"))
        request.metadata.idempotencyKey = "k-1"
        request.requestDigest = "digest-1"
        let receipt = try client.commit(request)
        #expect(receipt.firstSeq == 3 && receipt.lastSeq == 3 && !receipt.replayed && receipt.hash == served.service.head.hash)
        // The retry is answered from the first attempt, through the socket as well.
        let replay = try client.commit(request)
        #expect(replay.replayed && replay.results == receipt.results && replay.firstSeq == 3)
        // The commit keeps the actor the CLI sent and the server's user as principal.
        let commit = try readWholeLog(try Ledger.open(at: served.directory.path, access: .read)).last
        #expect(commit?.commit.actor == "alice" && commit?.commit.reason == "sync")
        #expect(commit?.commit.principal == CurrentProcess.userName())

        // Errors come back as the writer made them, index included.
        let bad = CommitRequest(operations: [Op.link(Keys.placed, "u2", "o2"), Op.link(.personToCo(role: "owns", objectType: "order"), "u2", "o3")],
                                metadata: metadata())
        let direct = served.service.write(bad)
        expectLedgerError(.unknownRelationshipType) { try client.commit(bad) }
        do {
            _ = try client.commit(bad)
        } catch {
            #expect(.failure(error) == direct)
        }
        var conflicting = CommitRequest(operations: [Op.unlink(Keys.placed, "u1", "o1")], metadata: metadata(), expectedHeadSeq: 1)
        expectLedgerError(.sequenceConflict) { try client.commit(conflicting) }
        conflicting.expectedHeadSeq = served.service.head.seq
        #expect(try client.commit(conflicting).lastSeq == conflicting.expectedHeadSeq.map { $0 + 1 })
    }

    @Test("Bad JSON is invalid_json and the connection goes on; a frame over the limit is refused before it is read")
    func malformedAndOversizedRequests() throws {
        let served = try Served()
        defer { served.stop() }
        let fd = try #require(try UnixSocket.connect(path: served.layout.writeSocket, timeoutMs: 10_000))
        defer { Socket.close(fd) }
        var timeouts = Socket.Timeouts()
        func exchange(_ bytes: [UInt8]) throws -> Result<CommitReceipt, LedgerError> {
            #expect(WriteSocketFrames.write(fd, bytes, timeoutMs: 10_000, timeouts: &timeouts))
            guard case .frame(let answer) = WriteSocketFrames.read(fd, firstByteMs: 10_000, restMs: 10_000, timeouts: &timeouts) else {
                throw LedgerError(.ioError, "no answer")
            }
            return try WriteSocketMessages.decodeAnswer(answer)
        }
        #expect(try exchange(Array("{not json".utf8)).failureCode == (.invalidJSON))
        #expect(try exchange(Array(#"{"operations":[{"op":"link"}],"actor":"a"}"#.utf8)).failureCode == (.invalidField))
        #expect(try exchange(Array(#"{"operations":[],"actor":"a","extra":1}"#.utf8)).failureCode == (.invalidField))
        let link = WriteSocketMessages.encode(CommitRequest(operations: [Op.link(Keys.placed, "u1", "o1")], metadata: metadata()))
        #expect(try exchange(link).get().lastSeq == 3)

        // A header announcing one byte more than the limit: answered at once, then closed.
        let length = UInt32(Limits.writeSocketFrameBytesMax + 1)
        #expect(Socket.send(fd, [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)],
                            timeoutMs: 10_000, timeouts: &timeouts))
        guard case .frame(let answer) = WriteSocketFrames.read(fd, firstByteMs: 10_000, restMs: 10_000, timeouts: &timeouts) else {
            Issue.record("no answer to an oversized frame")
            return
        }
        #expect(try WriteSocketMessages.decodeAnswer(answer).failureCode == (.payloadTooLarge))
        #expect(WriteSocketFrames.read(fd, firstByteMs: 10_000, restMs: 10_000, timeouts: &timeouts) == .closed)
        // The client refuses a request over the limit itself, before sending it.
        let client = try #require(try WriteSocketClient.connect(served.layout))
        let huge = Op.upsert("person:big", set: Dictionary(uniqueKeysWithValues: (0..<9).map { ("f\($0)", .string(String(repeating: "x", count: 4 * 1024 * 1024))) }))
        expectLedgerError(.payloadTooLarge) { try client.commit(CommitRequest(operations: [huge], metadata: metadata())) }
    }

    @Test("At the connection cap a new CLI is told ledger_busy; one slot frees, one more gets in")
    func connectionCap() throws {
        let served = try Served()
        defer { served.stop() }
        var held: [WriteSocketClient] = []
        for _ in 0..<Limits.writeSocketConnectionsMax {
            let client = try #require(try WriteSocketClient.connect(served.layout))
            // A request answered proves the connection is admitted, not just queued.
            _ = try client.commit(CommitRequest(operations: [Op.define("order")], metadata: metadata()))
            held.append(client)
        }
        let refused = try #require(try WriteSocketClient.connect(served.layout))
        expectLedgerError(.ledgerBusy) { try refused.commit(CommitRequest(operations: [Op.define("order")], metadata: metadata())) }
        held.removeLast()
        let admitted = Wait.forValue { () -> CommitReceipt? in
            guard let client = try? WriteSocketClient.connect(served.layout) else { return nil }
            return try? client.commit(CommitRequest(operations: [Op.define("order")], metadata: metadata()))
        }
        #expect(admitted != nil, "no connection was admitted after one closed")
    }

    @Test("The socket is owner-only; with no server, or only a dead server's file, there is nothing to connect to")
    func socketFileLifecycle() throws {
        let served = try Served()
        let path = served.layout.writeSocket
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600, "mode \(String(status.st_mode & 0o777, radix: 8))")
        #expect((status.st_mode & S_IFMT) == S_IFSOCK)
        served.server.finish(graceMs: 10_000)
        #expect(!FileManager.default.fileExists(atPath: path), "a stopped server left its socket")
        #expect(try WriteSocketClient.connect(served.layout) == nil)

        // A dead server's socket file: connection refused, so the CLI writes itself.
        let leftover = try UnixSocket.listen(path: path)
        Socket.close(leftover)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try WriteSocketClient.connect(served.layout) == nil)
        served.service.shutdown(timeoutMs: 10_000)
        served.directory.cleanUp()
    }

    @Test("A stopping server answers the request it is handling, then takes no more; a long path with no ledger has no server")
    func stopFinishesWhatItTook() throws {
        let served = try Served()
        defer { served.stop() }
        let client = try #require(try WriteSocketClient.connect(served.layout))
        #expect(try client.commit(CommitRequest(operations: [Op.link(Keys.placed, "u1", "o1")], metadata: metadata())).lastSeq == 3)
        served.server.stopAccepting()
        #expect(try WriteSocketClient.connect(served.layout) == nil, "a stopping server still takes connections")
        // The connection is closed once its answer is sent: its next request
        // is not taken. The CLI knows that when its send fails
        // ("committed": false); when the close comes after the send it
        // cannot tell, and says the commit may or may not have been made.
        let refused = expectLedgerError(.ioError) { try client.commit(CommitRequest(operations: [Op.link(Keys.placed, "u2", "o2")], metadata: metadata())) }
        #expect(refused?.details["committed"] == .bool(false) || refused?.message.contains("may or may not") == true, "\(String(describing: refused))")
        #expect(served.service.head.seq == 3)

        let missing = served.directory.path + "/" + String(repeating: "m", count: 120) + "/ledger"
        #expect(try WriteSocketClient.connect(LedgerLayout(directory: missing)) == nil)
    }

    @Test("A ledger path longer than a socket address still gets its socket")
    func longLedgerPath() throws {
        let base = try TemporaryDirectory("ties-write-socket-long-")
        let deep = try base.subdirectory(String(repeating: "d", count: 120))
        let served = try Served(directory: TemporaryDirectory("ties-", in: deep))
        #expect(served.layout.writeSocket.utf8.count > 108)
        defer {
            served.stop()
            base.cleanUp()
        }
        let client = try #require(try WriteSocketClient.connect(served.layout))
        #expect(try client.commit(CommitRequest(operations: [Op.link(Keys.placed, "u1", "o1")], metadata: metadata())).lastSeq == 3)
    }
}

extension Result<CommitReceipt, LedgerError> {
    /// The error's code, nil for a receipt.
    var failureCode: LedgerError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
