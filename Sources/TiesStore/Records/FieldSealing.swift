import Dispatch
import TiesCore

/// The HMAC work of sealing a request's record field values, spread over
/// the processors when there is enough of it: at 1M events with a fifth of
/// them upserts, sealing is a third of an upsert's cost on the writer's
/// thread (the Performance article), and each value is sealed on its own.
/// Keys and nonces are chosen before, in event order, so the sealed events
/// are the same whichever thread seals them.
struct FieldSealing {
    /// One upsert to seal: its record's key (of the right size) and a nonce for each value.
    struct Job: Sendable {
        let index: Int
        let record: RecordRef
        let key: [UInt8]
        let fields: [(name: String, value: JSONValue, nonce: ArraySlice<UInt8>)]
        let unset: [String]
    }

    /// Upserts sealed by one thread at a time: small enough for the work to
    /// spread, large enough that handing it over costs little.
    private static let jobsPerChunk = 32

    /// `events` with each job's upsert sealed.
    static func seal(_ jobs: [Job], into events: [Event]) -> [Event] {
        let sealed = SealedSlots(count: jobs.count)
        defer { sealed.deallocate() }
        let chunks = (jobs.count + jobsPerChunk - 1) / jobsPerChunk
        let sealChunk = { @Sendable (chunk: Int) in
            for index in chunk * jobsPerChunk..<min(jobs.count, (chunk + 1) * jobsPerChunk) {
                sealed.set(index, sealOne(jobs[index]))
            }
        }
        if chunks == 1 { sealChunk(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: sealChunk) }
        var result = events
        for (slot, job) in jobs.enumerated() {
            guard let event = sealed.get(slot) else { preconditionFailure("an upsert concurrentPerform did not seal") }
            result[job.index] = event
        }
        return result
    }

    private static func sealOne(_ job: Job) -> Event {
        guard let keys = FieldCipher.Keys(job.key) else { preconditionFailure("a key's size is checked before it is sealed with") }
        var set: [String: FieldValue] = [:]
        set.reserveCapacity(job.fields.count)
        for field in job.fields {
            let seal = FieldCipher.seal(field.value, record: job.record, field: field.name, keys: keys, nonce: field.nonce)
            set[field.name] = FieldValue(value: field.value, sealed: seal)
        }
        return .recordUpserted(job.record, set: set, unset: job.unset)
    }
}

/// One slot per job, each written by exactly one thread of
/// `concurrentPerform` and read after it returns (which orders the writes
/// before the reads): shared without a lock.
private final class SealedSlots: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Event?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    func set(_ index: Int, _ event: Event?) { slots[index] = event }
    func get(_ index: Int) -> Event? { slots[index] }

    func deallocate() {
        _ = slots.deinitialize()
        slots.deallocate()
    }
}
