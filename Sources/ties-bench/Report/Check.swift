import Foundation
import TiesCore
import TiesStore

/// One measured value against its bound; no verdict when the run could
/// not measure it (growth needs two query points).
struct Check: Equatable {
    var name: String
    var measured: Double?
    var unit: String
    var limit: Double
    /// True for a floor (≥ limit), false for a ceiling (≤ limit).
    var atLeast: Bool

    var pass: Bool? { measured.map { atLeast ? $0 >= limit : $0 <= limit } }
    var verdict: String { pass.map { $0 ? "PASS" : "MISS" } ?? "n/a" }

    var target: String {
        let number = limit >= 1_000 ? Format.grouped(Int64(limit)) : Format.fixed(limit, limit == limit.rounded() && unit != "" ? 0 : 2)
        let suffix = unit.isEmpty ? "" : unit == "×" ? "×" : " " + unit
        return (atLeast ? "≥ " : "≤ ") + number + suffix
    }
}
