import TiesCore
import TiesTestSupport

/// The link workload with person-record upserts spread through it: each
/// line is a record with probability records left / lines left, so the
/// upserts are uniform over the file. Records take the place of links
/// (the file has as many lines as asked), and the links are the same
/// sequence as a workload without records, cut shorter: the records
/// stream draws from its own random numbers. Every line appends exactly
/// one event, as the import checks.
struct RecordsWorkload {
    private var links: WorkloadGenerator
    private var random: SplitMix64
    /// People in upsert order: a shuffle, so the identifier indexes take
    /// inserts all over their key range, as a real import's would.
    private let people: [Int32]
    private var linesLeft: Int
    /// The seq each record's upsert appends, in upsert order.
    private var upsertSeqs: [Int32] = []
    private var nextSeq: Int64

    /// `lines` operations, `records` of them upserts creating the records
    /// of people 0..<records; the first line appends at `firstSeq`.
    init(links: WorkloadGenerator, records: Int, lines: Int, firstSeq: Int64, seed: UInt64) {
        precondition(records <= lines && firstSeq + Int64(lines) <= Int64(Int32.max), "records within the lines, seqs within Int32")
        self.links = links
        random = SplitMix64(seed: seed).derived(0x5265_636F_7264_7321)
        // Fisher–Yates on SplitMix64: the standard library's shuffle may change between Swift versions.
        var people = Array(0..<Int32(records))
        for index in people.indices.reversed().dropLast() { people.swapAt(index, random.below(index + 1)) }
        self.people = people
        linesLeft = lines
        nextSeq = firstSeq
        upsertSeqs.reserveCapacity(records)
    }

    var records: Int { people.count }

    /// The person whose record the `index`-th upsert created, and its seq.
    func upsert(_ index: Int) -> (person: Int, seq: Int64) {
        (Int(people[index]), Int64(upsertSeqs[index]))
    }

    mutating func next() -> [UInt8] {
        precondition(linesLeft > 0, "the workload has no lines left")
        let recordsLeft = people.count - upsertSeqs.count
        let line: [UInt8]
        if random.below(linesLeft) < recordsLeft {
            upsertSeqs.append(Int32(nextSeq))
            line = PersonRecords.upsert(Int(people[upsertSeqs.count - 1]), &random)
        } else {
            line = links.next().json
        }
        linesLeft -= 1
        nextSeq += 1
        return line
    }
}
