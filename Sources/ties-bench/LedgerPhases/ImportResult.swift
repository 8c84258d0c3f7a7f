import TiesCore
import TiesStore

/// One timed import through `Importer.run`, the path `ties import` takes.
struct ImportResult: Equatable {
    var events: Int64 = 0
    var commits = 0
    var seconds = 0.0
    /// Log and projection together.
    var bytesWritten: Int64 = 0

    var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }

    static func + (a: ImportResult, b: ImportResult) -> ImportResult {
        ImportResult(events: a.events + b.events, commits: a.commits + b.commits, seconds: a.seconds + b.seconds,
                     bytesWritten: a.bytesWritten + b.bytesWritten)
    }
}
