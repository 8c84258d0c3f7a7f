/// The field limits (`Limits`, TiesCore.docc/Limits.md), checked before any rule that needs state.
/// Every failure is `invalid_field` naming the field and the limit.
public enum Validation {
    static func fail(_ field: String, _ problem: String) -> LedgerError {
        LedgerError(.invalidField, "'\(field)' \(problem)", details: ["field": .string(field)])
    }

    /// Type names: 1–255 scalars, no `:` (it separates a record's type from
    /// its ID), no `/` (it separates the parts of `role/type` references), no
    /// control characters.
    public static func typeName(_ name: String, field: String) throws(LedgerError) {
        try scalars(name, field: field, max: Limits.nameScalarsMax)
        if name.utf8.contains(UInt8(ascii: ":")) || name.utf8.contains(UInt8(ascii: "/")) {
            throw fail(field, "must not contain ':' or '/'")
        }
        try noControlCharacters(name, field: field)
    }

    /// Roles and inverse roles: 1–255 scalars, no `/`, no control characters.
    public static func role(_ role: String, field: String = "role") throws(LedgerError) {
        try scalars(role, field: field, max: Limits.nameScalarsMax)
        if role.utf8.contains(UInt8(ascii: "/")) { throw fail(field, "must not contain '/'") }
        try noControlCharacters(role, field: field)
    }

    public static func description(_ text: String?) throws(LedgerError) {
        guard let text else { return }
        try scalars(text, field: "description", max: Limits.descriptionScalarsMax)
    }

    /// Record IDs: 1–255 UTF-8 bytes, any characters (TiesCore.docc/Vocabulary.md).
    public static func recordID(_ id: String, field: String) throws(LedgerError) {
        let count = id.utf8.count
        guard count >= 1 else { throw fail(field, "must not be empty") }
        guard count <= Limits.recordIDBytesMax else {
            throw fail(field, "is \(count) bytes; at most \(Limits.recordIDBytesMax) allowed")
        }
    }

    /// Attribute keys 1–255 scalars; values JSON scalars, strings ≤ 4096 bytes.
    public static func attributes(_ attributes: Attributes, field: String) throws(LedgerError) {
        guard attributes.count <= Limits.attributesPerLinkMax else {
            throw fail(field, "has \(attributes.count) attributes; at most \(Limits.attributesPerLinkMax) per link")
        }
        for (key, value) in attributes {
            try attributeKey(key, field: field)
            switch value {
            case .null, .bool, .int, .double: break
            case .string(let text):
                guard text.utf8.count <= Limits.attributeStringBytesMax else {
                    throw fail("\(field).\(key)", "is \(text.utf8.count) bytes; string values are at most \(Limits.attributeStringBytesMax)")
                }
            case .array, .object:
                throw fail("\(field).\(key)", "must be a string, number, boolean or null")
            }
        }
    }

    public static func attributeKey(_ key: String, field: String) throws(LedgerError) {
        try scalars(key, field: "\(field) key", max: Limits.attributeKeyScalarsMax)
    }

    /// Commit metadata: who did it, why, and the client's retry key.
    public static func commitMetadata(actor: String, reason: String?, idempotencyKey: String?) throws(LedgerError) {
        try scalars(actor, field: "actor", max: Limits.actorScalarsMax)
        try noControlCharacters(actor, field: "actor")
        if let reason { try scalars(reason, field: "reason", max: Limits.reasonScalarsMax) }
        if let idempotencyKey {
            try scalars(idempotencyKey, field: "idempotencyKey", max: Limits.idempotencyKeyScalarsMax)
            try noControlCharacters(idempotencyKey, field: "idempotencyKey")
        }
    }

    /// The principal: like an actor.
    public static func principal(_ principal: String) throws(LedgerError) {
        try scalars(principal, field: "principal", max: Limits.actorScalarsMax)
        try noControlCharacters(principal, field: "principal")
    }

    public static func scalars(_ text: String, field: String, max: Int) throws(LedgerError) {
        // Count lazily: an over-long string need not be walked to its end.
        var count = 0
        for _ in text.unicodeScalars {
            count += 1
            if count > max { throw fail(field, "is longer than \(max) characters") }
        }
        guard count >= 1 else { throw fail(field, "must not be empty") }
    }

    public static func noControlCharacters(_ text: String, field: String) throws(LedgerError) {
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw fail(field, "must not contain control characters")
        }
    }
}
