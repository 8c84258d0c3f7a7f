import Foundation
import TiesTestSupport

/// Ranks 0..<count drawn with probability proportional to 1/(rank+1)^s:
/// a few hot ranks and a long cold tail, like customers of a real shop.
/// Inverse-transform sampling over a precomputed CDF (8 bytes per rank).
struct ZipfSampler {
    let count: Int
    let exponent: Double
    private let cumulative: [Double]

    init(count: Int, exponent: Double) {
        precondition(count > 0 && exponent > 0, "Zipf needs ranks and a positive exponent")
        self.count = count
        self.exponent = exponent
        var cumulative: [Double] = []
        cumulative.reserveCapacity(count)
        var total = 0.0
        for rank in 0..<count {
            total += 1.0 / pow(Double(rank + 1), exponent)
            cumulative.append(total)
        }
        self.cumulative = cumulative
    }

    /// The share of all draws that go to `rank`.
    func probability(of rank: Int) -> Double {
        (cumulative[rank] - (rank > 0 ? cumulative[rank - 1] : 0)) / cumulative[count - 1]
    }

    func sample(_ random: inout SplitMix64) -> Int {
        let target = random.unit() * cumulative[count - 1]
        var low = 0
        var high = count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
