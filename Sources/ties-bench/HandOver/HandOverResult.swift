/// The `cli` phase: single-link writes to an idle `ties serve`, one at a
/// time, each way a client can send one (see HandOverBench).
struct HandOverResult: Equatable {
    /// `POST /v1/relationships` on a kept-alive connection, in this process.
    var httpRequest: LatencySummary
    /// `WriteSocketClient.commit`, what `ties link` does once started, in this process.
    var socketRequest: LatencySummary
    /// A whole `ties link` process: start, read the catalog, hand over, print.
    var cliProcess: LatencySummary
    /// A whole `curl` process sending the same request; nil when there is no curl.
    var curlProcess: LatencySummary?

    /// The comparison: a CLI write through the server against an
    /// HTTP write, each as a command a user runs.
    var processRatioP50: Double? { curlProcess.map { cliProcess.p50Us / max($0.p50Us, 1) } }
    var processRatioP99: Double? { curlProcess.map { cliProcess.p99Us / max($0.p99Us, 1) } }
    /// The same without process start-up: the hand-over against the HTTP request.
    var requestRatioP50: Double { socketRequest.p50Us / max(httpRequest.p50Us, 1) }
    var requestRatioP99: Double { socketRequest.p99Us / max(httpRequest.p99Us, 1) }
}
