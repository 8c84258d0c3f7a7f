import Dispatch
import Foundation
import Synchronization
import TiesSystem
import TiesCore
import TiesHTTP
import TiesStore
import TiesTestSupport

/// What the load phase measured: many keep-alive clients, each sending one
/// single-link commit at a time through the real server.
struct HTTPLoadResult: Equatable {
    var clients: Int
    var requests: Int
    /// Requests sent (a deadline or dead connections leave the rest unsent).
    var attempted = 0
    /// 2xx answers: commits the server called durable.
    var succeeded = 0
    /// From the start signal to the last client's last answer.
    var seconds = 0.0
    /// Every request that got an answer, send to last byte, in µs.
    var latency = LatencySummary(nanoseconds: [])
    var fdatasyncs = 0
    /// Events the ledger's head moved by; must equal `succeeded` (one event per link).
    var headSeqAdvance: Int64 = 0
    var errors: [HTTPLoadError] = []
    /// The whole process (server and clients share it) during the load.
    var cpu = ResourceUsage()

    var commitsPerSecond: Double { seconds > 0 ? Double(succeeded) / seconds : 0 }
    var commitsPerFdatasync: Double? { fdatasyncs > 0 ? Double(succeeded) / Double(fdatasyncs) : nil }
    var errorCount: Int { errors.reduce(0) { $0 + $1.count } }
    var latencyP50Ms: Double { latency.p50Us / 1_000 }
    var latencyP99Ms: Double { latency.p99Us / 1_000 }
    var latencyMaxMs: Double { latency.maxUs / 1_000 }
    /// Process CPU per successful commit, server and clients together.
    var cpuUsPerCommit: Double? { succeeded > 0 ? cpu.totalSeconds * 1e6 / Double(succeeded) : nil }
}
