import TiesTestSupport

/// Why a run stopped. Usage errors exit 2, everything else 1.
enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    case failed(String)

    var description: String {
        switch self {
        case .usage(let message), .failed(let message): return message
        }
    }
}
