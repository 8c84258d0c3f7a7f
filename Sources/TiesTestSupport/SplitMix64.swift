/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same sequence
/// on every platform and Swift version, so a seed names one workload or one
/// generated test case forever (the standard library's generators promise
/// neither). A `RandomNumberGenerator`, so `Int.random(in:using:)` works too.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in 0..<bound (Lemire's multiply-shift on 32 random bits;
    /// the bias, bound/2^32, is invisible to a test or a benchmark).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0 && bound <= 1 << 32, "below(_:) needs a bound in 1...2^32")
        // Shifts bind tighter than `&*` in Swift: the parentheses matter.
        return Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// True with the given percent probability.
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// One of `items` (not empty).
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// An independent stream for another purpose (queries, say), so that
    /// changing how many numbers one consumer draws leaves the other alone.
    public func derived(_ salt: UInt64) -> SplitMix64 {
        var copy = SplitMix64(seed: state ^ salt)
        _ = copy.next()
        return copy
    }
}
