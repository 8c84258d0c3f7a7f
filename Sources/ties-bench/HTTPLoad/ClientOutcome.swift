import Dispatch
import Foundation
import Synchronization
import TiesTestSupport

/// One client thread's tally.
struct ClientOutcome {
    var latenciesNs: [UInt64] = []
    var attempted = 0
    var succeeded = 0
    var finishedNs: UInt64 = 0
    var errors: [String: (count: Int, example: String?)] = [:]

    mutating func record(_ kind: String, example: String? = nil) {
        errors[kind, default: (0, example)].count += 1
    }
}
