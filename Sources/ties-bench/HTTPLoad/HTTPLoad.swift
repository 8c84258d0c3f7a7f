import Dispatch
import Foundation
import Synchronization
import TiesSystem
import TiesCore
import TiesHTTP
import TiesStore
import TiesTestSupport

/// `ties serve` under load, in-process: a `TiesServer` on 127.0.0.1 over a
/// new ledger, an append key, one MANY_TO_MANY person_to_co type, then
/// `clients` threads that each keep one connection and send
/// `POST /v1/relationships` for distinct (person, object) pairs, waiting
/// for each answer before the next request.
enum HTTPLoad {
    static let objectType = "bench_object"
    static let role = "bench_link"

    static func run(requests: Int, clients: Int, directory: String) throws(BenchError) -> HTTPLoadResult {
        let server = try startServer(directory, clients: clients, snapshotEveryCommits: max(1, requests / 2))
        defer { server.stop(graceMs: BenchLimits.httpStopGraceMs) }
        let (key, typeID) = try prepare(server)
        let before = (syncs: server.service.syncCount, head: server.service.head.seq)
        var result = merge([try round(linkLoad(port: server.port, key: key, typeID: typeID, requests: requests, clients: clients, firstIndex: 0))])
        account(&result, server: server, before: before)
        return result
    }

    /// `requests` links to one ledger, indices from `firstIndex` on.
    static func linkLoad(port: UInt16, key: String, typeID: String, requests: Int, clients: Int, firstIndex: Int) -> LoadState {
        LoadState(port: port, requests: requests, clients: clients,
                  deadlineNs: BenchSystem.nowNs() + BenchLimits.httpRunSecondsMax(requests: requests) * 1_000_000_000,
                  noun: "links") { LoadState.linkRequest(firstIndex + $0, typeID: typeID, key: key) }
    }

    /// The server's side of a load on its ledger: the fdatasyncs, and the
    /// head, which must have moved by one event per 2xx link.
    static func account(_ result: inout HTTPLoadResult, server: TiesServer, before: (syncs: Int, head: Int64)) {
        // Every answer has arrived, so every sync behind a 2xx is counted.
        result.fdatasyncs = server.service.syncCount - before.syncs
        result.headSeqAdvance = server.service.head.seq - before.head
        if result.headSeqAdvance != Int64(result.succeeded) {
            result.errors.append(HTTPLoadError(kind: "the ledger head moved by \(result.headSeqAdvance) events for \(result.succeeded) 2xx links",
                                               count: 1, example: nil))
        }
    }

    /// A new ledger whose policy takes an automatic snapshot halfway through
    /// the load, so the latencies show what a snapshot costs the writer.
    static func startServer(_ directory: String, clients: Int, snapshotEveryCommits: Int) throws(BenchError) -> TiesServer {
        do {
            try Ledger.create(at: directory)
        } catch {
            throw .failed("cannot create a ledger at \(directory): \(error)")
        }
        let config = try BufferedFile(creating: directory + "/config.json")
        try config.appendLine(Array("{\"snapshotEveryCommits\": \(snapshotEveryCommits)}".utf8))
        try config.close()
        let server: TiesServer
        do {
            server = try TiesServer(ledgerDirectory: directory, configuration: configuration(clients: clients), log: serverLog())
        } catch {
            throw .failed("cannot start the HTTP server: \(error)")
        }
        server.start()
        return server
    }

    /// 127.0.0.1, a port the system picks, room for `clients` connections.
    static func configuration(clients: Int) -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        // The set-up connection may not be reaped yet when the clients connect.
        configuration.connectionsMax = max(configuration.connectionsMax, clients + 1)
        return configuration
    }

    /// The server's log: the access log is one line per request, dropped;
    /// warnings and refusals are kept (a few).
    static func serverLog() -> @Sendable (String) -> Void {
        let forwarded = Atomic<Int>(0)
        return { line in
            guard !line.hasPrefix("POST ") && !line.hasPrefix("GET "),
                  forwarded.wrappingAdd(1, ordering: .relaxed).oldValue < BenchLimits.httpServerLogLinesMax else { return }
            BenchSystem.progress("server: \(line)")
        }
    }

    /// An append key, and the link type registered with it: its `rt_` ID.
    static func prepare(_ server: TiesServer) throws(BenchError) -> (key: String, typeID: String) {
        let key: String
        do {
            key = try server.keys.create(name: "ties-bench", role: .append, now: Ledger.clock())
        } catch {
            throw .failed("cannot create an API key: \(error)")
        }
        return (key, try registerType(port: server.port, key: key))
    }

    /// Defines the object type and registers the link type through the API
    /// (under `prefix`: `/v1/ledgers/NAME` on a server of many); returns its `rt_` ID.
    static func registerType(port: UInt16, key: String, prefix: String = "") throws(BenchError) -> String {
        let connection: HTTPTestClient
        do {
            connection = try HTTPClientLimits.connect(port: port)
        } catch {
            throw .failed("cannot connect to the server on 127.0.0.1:\(port): \(error)")
        }
        defer { connection.close() }
        _ = try setupCall(connection, prefix + "/v1/object-types", key: key,
                          body: #"{"name":"\#(objectType)","description":"ties-bench HTTP load"}"#)
        let registered = try setupCall(connection, prefix + "/v1/relationship-types", key: key, body: """
            {"kind":"person_to_co","role":"\(role)","customObjectType":"\(objectType)","cardinality":"MANY_TO_MANY"}
            """)
        guard let typeID = registered.objectValue?["relationshipTypeId"]?.stringValue,
              !typeID.isEmpty, typeID.utf8.allSatisfy(isPlainIDByte) else {
            throw .failed("POST /v1/relationship-types answered without a usable relationshipTypeId")
        }
        return typeID
    }

    /// The link type's ID goes into request bodies unescaped, so it must need no escaping.
    private static func isPlainIDByte(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private static func setupCall(_ connection: HTTPTestClient, _ path: String, key: String, body: String) throws(BenchError) -> JSONValue {
        let response: HTTPTestResponse
        do {
            response = try connection.exchange(HTTPWire.request("POST", path, body: Array(body.utf8), token: key))
        } catch {
            throw .failed("POST \(path) failed: \(error)")
        }
        guard response.status == 201 else {
            throw .failed("POST \(path) answered \(describe(response)); expected 201 on a new ledger")
        }
        do {
            return try JSONParser.parse(response.body)
        } catch {
            throw .failed("POST \(path) answered 201 with a body that is not JSON: \(error)")
        }
    }

    /// `HTTP 409 sequence_conflict`: status and problem code, the part that
    /// makes two failures "the same".
    static func describe(_ response: HTTPTestResponse) -> String {
        let code = (try? JSONParser.parse(response.body))?.objectValue?["code"]?.stringValue
        return "HTTP \(response.status)" + (code.map { " " + $0 } ?? "")
    }

    static func problemDetail(_ response: HTTPTestResponse) -> String? {
        (try? JSONParser.parse(response.body))?.objectValue?["detail"]?.stringValue
    }
}
