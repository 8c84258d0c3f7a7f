import Foundation
import TiesCore
import TiesStore
import TiesTestSupport

/// CLI writes handed to a running `ties serve` against HTTP writes to it:
/// an in-process server on a ledger of its own, and `writes` rounds of one
/// single-link write each way — an HTTP request, a hand-over on the write
/// socket, a `ties link` process, a `curl` process — interleaved, so all
/// four see the same machine.
enum HandOverBench {
    static func run(writes: Int, directory: String) throws(BenchError) -> HandOverResult {
        let server = try HTTPLoad.startServer(directory, clients: 1, snapshotEveryCommits: Int.max)
        defer { server.stop(graceMs: BenchLimits.httpStopGraceMs) }
        let (key, typeID) = try HTTPLoad.prepare(server)
        let tiesBinary = try sibling("ties")
        let curl = ["/usr/bin/curl", "/bin/curl"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let connection: HTTPTestClient
        let socket: WriteSocketClient
        do {
            connection = try HTTPClientLimits.connect(port: server.port)
            guard let client = try WriteSocketClient.connect(LedgerLayout(directory: directory)) else {
                throw BenchError.failed("the server at \(directory) has no write socket")
            }
            socket = client
        } catch let error as BenchError {
            throw error
        } catch {
            throw .failed("cannot connect to the server: \(error)")
        }
        defer { connection.close() }

        var http: [UInt64] = [], handedOver: [UInt64] = [], cli: [UInt64] = [], curled: [UInt64] = []
        let url = "http://127.0.0.1:\(server.port)/v1/relationships"
        for index in 0..<writes {
            func body(_ way: String) -> String {
                #"{"relationshipTypeId":"\#(typeID)","personExternalId":"p-\#(way)-\#(index)","customObjectExternalId":"o-\#(way)-\#(index)"}"#
            }
            http.append(try timed("HTTP") {
                let answer = try connection.exchange(HTTPWire.request("POST", "/v1/relationships", body: Array(body("http").utf8), token: key))
                return answer.status == 201 ? nil : HTTPLoad.describe(answer)
            })
            handedOver.append(try timed("the write socket") {
                let link = Operation.link(LinkRequest(type: .id(typeID), fromID: "p-socket-\(index)", toID: "o-socket-\(index)", style: .records), attributes: [:])
                let receipt = try socket.commit(CommitRequest(operations: [link], metadata: CommitMetadata(actor: "ties-bench")))
                return receipt.lastSeq == nil ? "nothing was appended" : nil
            })
            cli.append(try timed("ties link") {
                let child = try ChildProcess(tiesBinary, ["link", "--ledger", directory, "\(HTTPLoad.role)/\(HTTPLoad.objectType)",
                                                          "person:p-cli-\(index)", "\(HTTPLoad.objectType):o-cli-\(index)"])
                return child.wait(seconds: 60) && child.status == 0 ? nil : child.summary
            })
            if let curl {
                curled.append(try timed("curl") {
                    let child = try ChildProcess(URL(fileURLWithPath: curl), ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                                                                            "-H", "Authorization: Bearer \(key)", "-d", body("curl"), url])
                    return child.wait(seconds: 60) && child.stdout.text == "201" ? nil : child.summary
                })
            }
        }
        return HandOverResult(httpRequest: LatencySummary(nanoseconds: http), socketRequest: LatencySummary(nanoseconds: handedOver),
                              cliProcess: LatencySummary(nanoseconds: cli), curlProcess: curled.isEmpty ? nil : LatencySummary(nanoseconds: curled))
    }

    /// Runs one write and returns how long it took; `write` returns nil on
    /// success, else what went wrong, which ends the run.
    private static func timed(_ way: String, _ write: () throws -> String?) throws(BenchError) -> UInt64 {
        let start = BenchSystem.nowNs()
        let problem: String?
        do {
            problem = try write()
        } catch {
            problem = "\(error)"
        }
        if let problem { throw .failed("a write through \(way) failed: \(problem)") }
        return BenchSystem.nowNs() - start
    }

    /// An executable built next to this one (`swift build` builds them together).
    private static func sibling(_ name: String) throws(BenchError) -> URL {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let candidate = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw .failed("the cli phase runs `\(name)`, which is not built next to ties-bench at \(candidate.path): build it too (swift build -c release)")
        }
        return candidate
    }
}
