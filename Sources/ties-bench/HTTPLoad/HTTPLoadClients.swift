import Dispatch
import Foundation
import Synchronization
import TiesSystem
import TiesTestSupport

/// One drive of the clients over a load: what each client tallied, from
/// the start signal on.
struct LoadRound {
    let load: LoadState
    let startNs: UInt64
    let outcomes: [ClientOutcome]
    /// The whole process during the round (server and clients share it).
    let cpu: ResourceUsage
    /// Whether the run deadline had passed when the last client finished.
    let deadlinePassed: Bool
}

extension HTTPLoad {
    /// One load, one round.
    static func drive(_ load: LoadState) throws(BenchError) -> HTTPLoadResult {
        merge([try round(load)])
    }

    /// Starts the clients, lets them connect, releases them together and
    /// waits for all (each wait bounded).
    static func round(_ load: LoadState) throws(BenchError) -> LoadRound {
        let cpuBefore = ResourceUsage.current()
        for number in 0..<load.clients {
            let thread = Thread { client(load) }
            thread.name = "ties-bench-client-\(number)"
            thread.start()
        }
        for _ in 0..<load.clients {
            guard load.ready.wait(timeout: .now() + .milliseconds(2 * HTTPClientLimits.socketTimeoutMs)) == .success else {
                throw .failed("the HTTP clients did not connect within \(2 * HTTPClientLimits.socketTimeoutMs / 1000) s")
            }
        }
        BenchSystem.progress("\(load.clients) clients connected; sending \(Format.grouped(load.requests)) \(load.noun)")
        let start = BenchSystem.nowNs()
        for _ in 0..<load.clients { load.go.signal() }
        // A client checks the deadline before each request, and each request waits at most the socket timeout twice.
        let lastWaitNs = load.deadlineNs + UInt64(2 * HTTPClientLimits.socketTimeoutMs + 1_000) * 1_000_000
        for finished in 0..<load.clients {
            let remainingNs = lastWaitNs > BenchSystem.nowNs() ? lastWaitNs - BenchSystem.nowNs() : 0
            guard load.done.wait(timeout: .now() + .nanoseconds(Int(min(remainingNs, UInt64(Int.max))))) == .success else {
                throw .failed("\(load.clients - finished) HTTP clients were still running past the run deadline")
            }
        }
        let outcomes = load.outcomes.withLock { outcomes in
            defer { outcomes.removeAll() }
            return outcomes
        }
        return LoadRound(load: load, startNs: start, outcomes: outcomes, cpu: ResourceUsage.current() - cpuBefore,
                         deadlinePassed: BenchSystem.nowNs() >= load.deadlineNs)
    }

    /// The rounds of one load as one result: their times, requests, CPU
    /// and errors added up, their latencies taken together.
    static func merge(_ rounds: [LoadRound]) -> HTTPLoadResult {
        precondition(!rounds.isEmpty, "merge(_:) needs a round")
        var result = HTTPLoadResult(clients: rounds[0].load.clients, requests: rounds.reduce(0) { $0 + $1.load.requests })
        var latencies: [UInt64] = []
        latencies.reserveCapacity(rounds.reduce(0) { $0 + $1.outcomes.reduce(0) { $0 + $1.latenciesNs.count } })
        var errors: [String: (count: Int, example: String?)] = [:]
        var nanoseconds: UInt64 = 0
        for round in rounds {
            var finishedNs = round.startNs
            var attempted = 0
            for outcome in round.outcomes {
                latencies.append(contentsOf: outcome.latenciesNs)
                attempted += outcome.attempted
                result.succeeded += outcome.succeeded
                finishedNs = max(finishedNs, outcome.finishedNs)
                for (kind, seen) in outcome.errors {
                    errors[kind, default: (0, seen.example)].count += seen.count
                }
            }
            if attempted < round.load.requests {
                let reason = round.deadlinePassed ? "the run deadline passed" : "every client lost its connection"
                errors["not sent: \(reason)", default: (0, nil)].count += round.load.requests - attempted
            }
            result.attempted += attempted
            nanoseconds += finishedNs - round.startNs
            result.cpu = result.cpu + round.cpu
        }
        result.seconds = Double(nanoseconds) / 1e9
        result.latency = LatencySummary(nanoseconds: latencies)
        result.errors = HTTPLoadError.list(errors)
        return result
    }

    /// One client: connect, wait for the start, then request after request
    /// on the same connection until the counter or the deadline runs out.
    private static func client(_ load: LoadState) {
        var outcome = ClientOutcome()
        defer {
            outcome.finishedNs = BenchSystem.nowNs()
            load.outcomes.withLock { $0.append(outcome) }
            load.done.signal()
        }
        var connection = connect(port: load.port, &outcome)
        load.ready.signal()
        guard load.go.wait(timeout: .now() + .milliseconds(4 * HTTPClientLimits.socketTimeoutMs)) == .success else {
            outcome.record("the start signal never came")
            return
        }
        outcome.latenciesNs.reserveCapacity(min(load.requests / load.clients * 2 + 64, load.requests))
        while let open = connection, BenchSystem.nowNs() < load.deadlineNs {
            let index = load.next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < load.requests else { break }
            connection = exchange(load.request(index), on: open, port: load.port, &outcome)
        }
    }

    /// Sends one request and waits for its answer, timing it into
    /// `outcome`; returns the connection to send the next one on (nil when
    /// it was lost and could not be made again).
    static func exchange(_ request: [UInt8], on connection: HTTPTestClient, port: UInt16, _ outcome: inout ClientOutcome) -> HTTPTestClient? {
        outcome.attempted += 1
        let start = BenchSystem.nowNs()
        do {
            let response = try connection.exchange(request)
            outcome.latenciesNs.append(BenchSystem.nowNs() - start)
            if (200..<300).contains(response.status) {
                outcome.succeeded += 1
            } else {
                outcome.record(describe(response), example: problemDetail(response))
            }
            return response.closes ? reconnect(connection, port: port, &outcome) : connection
        } catch {
            // The reason, not the description: equal failures group.
            outcome.record(error.reason)
            return reconnect(connection, port: port, &outcome)
        }
    }

    static func connect(port: UInt16, _ outcome: inout ClientOutcome) -> HTTPTestClient? {
        do {
            return try HTTPClientLimits.connect(port: port)
        } catch {
            outcome.record(error.reason)
            return nil
        }
    }

    /// A closed or broken connection is replaced once; a client that cannot
    /// reconnect stops and leaves its share to the others.
    private static func reconnect(_ old: HTTPTestClient, port: UInt16, _ outcome: inout ClientOutcome) -> HTTPTestClient? {
        old.close()
        return connect(port: port, &outcome)
    }
}

extension ResourceUsage {
    /// Two spans of use as one.
    static func + (a: ResourceUsage, b: ResourceUsage) -> ResourceUsage {
        var sum = a
        sum.userSeconds += b.userSeconds
        sum.systemSeconds += b.systemSeconds
        sum.voluntarySwitches += b.voluntarySwitches
        sum.involuntarySwitches += b.involuntarySwitches
        return sum
    }
}
