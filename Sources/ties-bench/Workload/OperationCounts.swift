import TiesCore
import TiesTestSupport

/// How many operations of each kind were generated.
struct OperationCounts: Equatable {
    var link = 0
    var setAttributes = 0
    var unlink = 0
    var total: Int { link + setAttributes + unlink }
}
