/// "Did you mean" for unknown names: case-insensitive edit distance.
public enum Suggestions {
    /// Up to `limit` names within a distance that grows with the name's
    /// length (a third of it, at least 2), nearest first.
    public static func closest(to name: String, among candidates: [String], limit: Int = 5) -> [String] {
        let target = Array(name.lowercased().unicodeScalars)
        let threshold = max(2, target.count / 3)
        let scored = candidates.compactMap { candidate -> (Int, String)? in
            let distance = editDistance(target, Array(candidate.lowercased().unicodeScalars), cap: threshold)
            return distance <= threshold ? (distance, candidate) : nil
        }
        return scored.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : utf8Less($0.1, $1.1) }.prefix(limit).map(\.1)
    }

    /// Levenshtein distance, giving up (returning `cap + 1`) once every path
    /// exceeds `cap`: names are short, but candidates may be many.
    public static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], cap: Int) -> Int {
        if abs(a.count - b.count) > cap { return cap + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > cap { return cap + 1 }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
