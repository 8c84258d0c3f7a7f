import TiesCore
import TiesStore

/// Reopening a cleanly closed ledger for writing.
struct ReopenResult: Equatable {
    var runsMs: [Double]

    var medianMs: Double { runsMs.sorted()[runsMs.count / 2] }
}
