/// The JSON form of operation results, kept in keyed commits (the `results`
/// member of a log line) so that a retry is answered from what the first
/// attempt did. Fields in
/// a fixed order, like events, because commit hashes cover these bytes.
public enum OperationResultCoding {
    /// Appends one result object: `{"result":"link","relationshipTypeId":…,"created":true,"changed":true}`.
    public static func write(_ result: OperationResult, to writer: inout JSONWriter) {
        writer.writeRaw("{\"result\":")
        switch result {
        case .objectType(let type, let created, let changed):
            writer.writeString("objectType")
            EventCoding.writeObjectType(type, to: &writer)
            writeFlags(created: created, changed: changed, to: &writer)
        case .relationshipType(let type, let created, let changed):
            writer.writeString("relationshipType")
            EventCoding.writeRegistration(type, to: &writer)
            writeFlags(created: created, changed: changed, to: &writer)
        case .link(let key, let created, let changed):
            writer.writeString("link")
            EventCoding.writeLinkKey(key, to: &writer)
            writeFlags(created: created, changed: changed, to: &writer)
        case .attributes(let key, let changed):
            writer.writeString("attributes")
            EventCoding.writeLinkKey(key, to: &writer)
            writeFlags(created: nil, changed: changed, to: &writer)
        case .unlink(let key):
            writer.writeString("unlink")
            EventCoding.writeLinkKey(key, to: &writer)
        case .record(let record, let created, let changed):
            writer.writeString("record")
            EventCoding.writeRecord(record, to: &writer)
            writeFlags(created: created, changed: changed, to: &writer)
        case .erased(let record, let changed):
            writer.writeString("erased")
            EventCoding.writeRecord(record, to: &writer)
            writeFlags(created: nil, changed: changed, to: &writer)
        }
        writer.writeRaw("}")
    }

    /// Appends `[result,result,…]`.
    public static func write(_ results: [OperationResult], to writer: inout JSONWriter) {
        writer.writeRaw("[")
        for (index, result) in results.enumerated() {
            if index > 0 { writer.writeRaw(",") }
            write(result, to: &writer)
        }
        writer.writeRaw("]")
    }

    /// Decodes an array of results; anything else is damage.
    public static func decode(array value: JSONValue) throws(LedgerError) -> [OperationResult] {
        guard case .array(let items) = value else {
            throw LedgerError(.ledgerDamaged, "results that are not an array")
        }
        var results: [OperationResult] = []
        for item in items { results.append(try decode(item)) }
        return results
    }

    private static func writeFlags(created: Bool?, changed: Bool, to writer: inout JSONWriter) {
        if let created {
            writer.writeRaw(",\"created\":")
            writer.writeBool(created)
        }
        writer.writeRaw(",\"changed\":")
        writer.writeBool(changed)
    }

    /// Decodes one result read back from the log; any mismatch is damage.
    public static func decode(_ value: JSONValue) throws(LedgerError) -> OperationResult {
        let fields = try FieldReader(value, context: "result", failure: .ledgerDamaged)
        let name = try fields.requiredString("result")
        switch name {
        case "objectType":
            return .objectType(try EventCoding.decodeObjectType(fields), created: try required(fields, "created"), changed: try required(fields, "changed"))
        case "relationshipType":
            return .relationshipType(try EventCoding.decodeRegistration(fields), created: try required(fields, "created"),
                                     changed: try required(fields, "changed"))
        case "link":
            return .link(try EventCoding.decodeLinkKey(fields), created: try required(fields, "created"), changed: try required(fields, "changed"))
        case "attributes":
            return .attributes(try EventCoding.decodeLinkKey(fields), changed: try required(fields, "changed"))
        case "unlink":
            return .unlink(try EventCoding.decodeLinkKey(fields))
        case "record":
            return .record(try EventCoding.decodeRecord(fields), created: try required(fields, "created"), changed: try required(fields, "changed"))
        case "erased":
            return .erased(try EventCoding.decodeRecord(fields), changed: try required(fields, "changed"))
        default:
            throw LedgerError(.ledgerDamaged, "unknown operation result '\(name)'")
        }
    }

    private static func required(_ fields: FieldReader, _ name: String) throws(LedgerError) -> Bool {
        guard let value = try fields.optionalBool(name) else {
            throw LedgerError(.ledgerDamaged, "result without '\(name)'")
        }
        return value
    }
}
