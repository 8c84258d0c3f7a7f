import TiesCore
import TiesStore
import TiesTestSupport

/// Percentiles of one set of timings, in microseconds (nearest rank).
struct LatencySummary: Equatable {
    var count = 0
    var p50Us = 0.0
    var p99Us = 0.0
    var maxUs = 0.0

    init(nanoseconds samples: [UInt64]) {
        guard !samples.isEmpty else { return }
        let sorted = samples.sorted()
        func rank(_ fraction: Double) -> Double {
            let index = max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1)
            return Double(sorted[min(index, sorted.count - 1)]) / 1_000
        }
        count = sorted.count
        p50Us = rank(0.50)
        p99Us = rank(0.99)
        maxUs = Double(sorted[sorted.count - 1]) / 1_000
    }
}
