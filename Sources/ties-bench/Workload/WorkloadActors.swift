/// Who the workload's import commits are by. A real ledger is written by
/// a few sync services and people taking turns; an audit search by actor
/// measures nothing when one actor wrote everything (every event
/// matches), so the import is cut into segments of
/// `BenchLimits.actorSegmentEvents`, each committed by the next actor of
/// `rotation`. The rarest actor's newest events then lie a few segments
/// below the head, where a search that scans instead of seeks has to walk
/// to them.
enum WorkloadActors {
    static let rotation = ["crm-sync", "shop-sync", "crm-sync", "support:ann"]
    /// An actor with no commits at all: the search must say so without
    /// reading the whole log.
    static let absent = "support:nobody"

    /// One import file and the actor its commits are by.
    struct Segment {
        var path: String
        var count: Int
        var actor: String
    }

    /// `counts` (the parts of the import) cut into segments in `directory`,
    /// part by part; the actors rotate across parts.
    static func segments(_ counts: [Int], directory: String) -> [[Segment]] {
        var index = 0
        return counts.enumerated().map { part, count in
            stride(from: 0, to: count, by: BenchLimits.actorSegmentEvents).map { start in
                defer { index += 1 }
                return Segment(path: directory + "/workload-\(part + 1)-\(start / BenchLimits.actorSegmentEvents + 1).jsonl",
                               count: min(BenchLimits.actorSegmentEvents, count - start), actor: rotation[index % rotation.count])
            }
        }
    }

    static var distinct: [String] {
        rotation.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }
}
