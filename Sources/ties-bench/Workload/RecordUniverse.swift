import TiesCore
import TiesTestSupport

/// How many records of each type exist at some point of the workload.
struct RecordUniverse: Equatable {
    var people = 0
    var orders = 0
    var lineItems = 0
    var households = 0
    var accounts = 0
}
