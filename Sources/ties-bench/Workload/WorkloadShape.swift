import TiesCore
import TiesTestSupport

/// The sizes of the record pools, from the event count: about 20 events
/// per person on average, so the Zipf head has thousands and the tail a few.
struct WorkloadShape: Equatable {
    let events: Int
    let people: Int
    let households: Int
    let accounts: Int

    /// Zipf exponent over people: at 1M events the hottest person has
    /// ~12k events, the 10th ~2.4k, the median a handful.
    static let zipfExponent = 0.7
    /// Caps on current links keep answers bounded while histories grow:
    /// a busy customer has a long past, not thousands of open orders.
    static let ordersPerPersonMax = 16
    static let householdsPerPersonMax = 4
    static let lineItemsPerOrderMax = 8
    /// The "hot" query targets: the top ranks of the Zipf distribution.
    static let hotPeople = 16

    init(events: Int) {
        self.events = events
        people = max(100, events / 20)
        households = max(10, people / 4)
        accounts = max(10, people / 8)
    }
}
