import Foundation
import TiesCore
import TiesStore

/// Number formatting for the text report.
enum Format {
    static func grouped<T: BinaryInteger>(_ value: T) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    static func rate(_ perSecond: Double) -> String { grouped(Int64(perSecond.rounded())) }

    static func megabytes(_ bytes: Int64) -> String { fixed(Double(bytes) / 1e6, 1) + " MB" }

    static func microseconds(_ value: Double) -> String { value >= 100 ? grouped(Int64(value.rounded())) : fixed(value, 1) }

    /// Left-aligned columns, two spaces apart.
    static func table(_ rows: [[String]]) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        let widths = (0..<width).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
