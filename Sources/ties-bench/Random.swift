import Foundation

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same sequence
/// on every platform and Swift version, so a seed names one workload
/// forever (the standard library's generators promise neither).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in 0..<bound (Lemire's multiply-shift on 32 random bits;
    /// the bias, bound/2^32, is invisible in a benchmark).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0 && bound <= 1 << 32, "below(_:) needs a positive bound")
        // Shifts bind tighter than `&*` in Swift: the parentheses matter.
        return Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// An independent stream for another purpose (queries, say), so that
    /// changing how many numbers one consumer draws leaves the other alone.
    func derived(_ salt: UInt64) -> SplitMix64 {
        var copy = SplitMix64(seed: state ^ salt)
        _ = copy.next()
        return copy
    }
}

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
