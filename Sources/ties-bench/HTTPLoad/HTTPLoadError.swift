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

extension HTTPLoadError {
    /// A tally by kind as a list, the most frequent first.
    static func list(_ tally: [String: (count: Int, example: String?)]) -> [HTTPLoadError] {
        tally.map { HTTPLoadError(kind: $0.key, count: $0.value.count, example: $0.value.example) }
            .sorted { ($0.count, $1.kind) > ($1.count, $0.kind) }
    }
}
