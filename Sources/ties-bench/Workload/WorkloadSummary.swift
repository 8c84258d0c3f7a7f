import Foundation
import TiesCore
import TiesStore
import TiesSystem
import TiesTestSupport

/// The workload as generated, for the report.
struct WorkloadSummary: Equatable {
    var shape: WorkloadShape
    var setupEvents: Int
    var counts: OperationCounts
    var universe: RecordUniverse
    /// Events naming the hottest person, the 10th and the median one.
    var hottestPersonEvents: Int
    var tenthPersonEvents: Int
    var medianPersonEvents: Int

    init(_ generator: WorkloadGenerator, setupEvents: Int) {
        shape = generator.shape
        self.setupEvents = setupEvents
        counts = generator.counts
        universe = generator.universe
        let byActivity = generator.eventsByPerson.sorted(by: >)
        hottestPersonEvents = Int(byActivity.first ?? 0)
        tenthPersonEvents = Int(byActivity.count >= 10 ? byActivity[9] : 0)
        medianPersonEvents = Int(byActivity.isEmpty ? 0 : byActivity[byActivity.count / 2])
    }
}
