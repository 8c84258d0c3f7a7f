import TiesCore

/// A record's fields as a version row holds them: one canonical JSON
/// object (keys in byte order). A value that cannot be read (its record
/// is erased, or its key is missing) is stored as `FieldValue.erasedMarker`,
/// an object, which no field value (always a scalar) can be; so the
/// export copies the object as it is.
enum StoredFields {
    static func encode(_ fields: [String: FieldValue]) -> String {
        var writer = JSONWriter()
        writer.writeObject(fields.mapValues { $0.value ?? FieldValue.erasedMarker })
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func decode(_ json: [UInt8]) throws(LedgerError) -> [String: FieldValue] {
        guard case .object(let values)? = try? JSONParser.parse(json) else {
            throw LedgerError(.ledgerDamaged, "the projection holds record fields that are not a JSON object")
        }
        return values.mapValues { FieldValue(value: $0.isScalar ? $0 : nil) }
    }
}
