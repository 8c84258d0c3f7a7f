import Dispatch
import Foundation
import Synchronization
import TiesSystem
import TiesCore
import TiesHTTP
import TiesStore
import TiesTestSupport

/// One kind of failure seen during the load, reported once with its count.
struct HTTPLoadError: Equatable {
    /// `HTTP 409 sequence_conflict`, or the client's I/O failure.
    var kind: String
    var count: Int
    /// The first problem `detail` for HTTP errors (the workload is synthetic, no personal data).
    var example: String?
}
