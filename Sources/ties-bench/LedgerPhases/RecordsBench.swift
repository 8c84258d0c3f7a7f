import TiesCore
import TiesStore
import TiesTestSupport

/// Times the reads records exist for, on the ledger the records workload
/// built: finding a person by the unique email (what a link naming its
/// endpoint by email does), reading a record as of a past seq, and a page
/// of 100 of one relationship type of the hottest people (thousands of
/// links each: the page that must not scan them).
enum RecordsBench {
    /// One lookup in this many asks for an email no record holds: a miss
    /// is the answer to every new contact, and must be as cheap as a hit.
    static let missEvery = 10
    /// Untimed calls first, so statement preparation is not a sample.
    static let warmUpReads = 10
    /// The page the target is about.
    static let pageSize = 100

    static func measure(_ ledger: Ledger, workload: RecordsWorkload, setupEvents: Int, imported: ImportResult, reads: Int,
                        random: inout SplitMix64) throws(BenchError) -> RecordsResult {
        let head = ledger.headSeq
        let records = workload.records
        precondition(records > 0 && head > 0, "reads need records")
        // Misses name people past the last record.
        let lookups = (0..<reads).map { _ -> (person: Int, held: Bool) in
            random.below(missEvery) == 0 ? (records + random.below(records), false) : (random.below(records), true)
        }
        // A seq inside a commit reads as the commit before it; the upsert's
        // commit ends within one import batch of the upsert.
        let asOf = (0..<reads).map { _ in
            let upsert = workload.upsert(random.below(records))
            let visible = min(head, upsert.seq + Int64(BenchLimits.importBatchSize - 1))
            return (person: upsert.person, seq: visible + Int64(random.below(Int(head - visible) + 1)))
        }
        func findByEmail(_ index: Int) throws(LedgerError) -> Bool {
            let (person, held) = lookups[index]
            let found = try ledger.findRecords(ofType: RecordRef.personType, field: PersonRecords.emailField, value: .string(RecordNames.email(person)))
            return found.map(\.record) == (held ? [personRecord(person)] : [])
        }
        func readAsOf(_ index: Int) throws(LedgerError) -> Bool {
            let read = try ledger.record(personRecord(asOf[index].person), asOf: .seq(asOf[index].seq))
            return read.record == personRecord(asOf[index].person) && !read.fields.isEmpty
        }
        // Every other sample is the second page, through the first one's cursor.
        let pages = (0..<reads).map { _ in personRecord(random.below(min(WorkloadShape.hotPeople, records))) }
        let placed = RelationshipFilter(type: .key(WorkloadType.placed.key))
        var cursors: [Int: String] = [:]
        func filteredPage(_ index: Int) throws(LedgerError) -> Bool {
            let page = try ledger.relationships(of: pages[index], filter: placed, limit: pageSize, after: index % 2 == 1 ? cursors[index - 1] : nil)
            cursors[index] = page.next
            return page.links.count <= pageSize && page.links.allSatisfy { $0.from == pages[index] && $0.type.key == WorkloadType.placed.key }
        }
        let emailLookup: TimedReads
        let recordAsOf: TimedReads
        let filteredPages: TimedReads
        do {
            for index in 0..<min(warmUpReads, reads) {
                _ = try findByEmail(index)
                _ = try readAsOf(index)
            }
            emailLookup = try timed(reads, findByEmail)
            recordAsOf = try timed(reads, readAsOf)
            filteredPages = try timed(reads, filteredPage)
        } catch {
            throw .failed("a record read failed at seq \(head): \(error)")
        }
        // A fast wrong answer measures nothing.
        for (name, result) in [("findRecords by email", emailLookup), ("record(_:asOf:)", recordAsOf), ("filtered page", filteredPages)]
        where result.wrong > 0 {
            throw .failed("\(result.wrong) of \(reads) \(name) answers differ from what the workload wrote")
        }
        return RecordsResult(records: records, setupEvents: setupEvents, imported: imported, headSeq: head, emailLookup: emailLookup.latency,
                             emailMisses: lookups.count { !$0.held }, recordAsOf: recordAsOf.latency, filteredPage: filteredPages.latency)
    }

    private struct TimedReads {
        var latency: LatencySummary
        /// Answers other than the one the workload wrote.
        var wrong: Int
    }

    private static func personRecord(_ person: Int) -> RecordRef {
        RecordRef(type: RecordRef.personType, id: RecordNames.person(person))
    }

    /// Runs `read` for each index, timing each call alone; `read` says
    /// whether the answer is the one the workload wrote.
    private static func timed(_ count: Int, _ read: (Int) throws(LedgerError) -> Bool) throws(LedgerError) -> TimedReads {
        var samples: [UInt64] = []
        samples.reserveCapacity(count)
        var wrong = 0
        for index in 0..<count {
            let start = BenchSystem.nowNs()
            let expected = try read(index)
            samples.append(BenchSystem.nowNs() - start)
            if !expected { wrong += 1 }
        }
        return TimedReads(latency: LatencySummary(nanoseconds: samples), wrong: wrong)
    }
}
