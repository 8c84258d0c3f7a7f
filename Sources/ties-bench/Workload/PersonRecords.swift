import TiesCore
import TiesTestSupport

/// The person records of the records phase: the type definition that
/// declares their identifiers, and one record's fields, shaped like a
/// CRM contact (about five scalar fields).
enum PersonRecords {
    static let emailField = "email"
    static let cityField = "city"
    /// A non-unique identifier next to the unique email: each city is
    /// held by many records (2,000 each at 200k records).
    static let cities = 100

    /// Refines the built-in `person` type; one event on a ledger whose
    /// setup did not define it yet.
    static var definition: JSONValue {
        Op.json(Op.define(RecordRef.personType, identifiers: [Identifier(field: emailField, unique: true), Identifier(field: cityField, unique: false)]))
    }

    /// The upsert that creates person `n`'s record: one event, since the
    /// record is new and its email is no other record's.
    static func upsert(_ n: Int, _ random: inout SplitMix64) -> [UInt8] {
        let fields: Attributes = [
            emailField: .string(RecordNames.email(n)),
            cityField: .string("city\(random.below(cities))"),
            "name": .string("Person \(n)"),
            "age": .int(Int64(18 + random.below(70))),
            "tier": .string(random.pick(["free", "plus", "pro"])),
        ]
        return Op.json(.upsertRecord(RecordRef(type: RecordRef.personType, id: RecordNames.person(n)), set: fields, unset: [])).encodedBytes
    }
}
