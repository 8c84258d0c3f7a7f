/// Relationship type IDs: `rt_` + 8 base32 characters of the SHA-256 of the
/// type's key. Derived, not random, so the same registrations give the same
/// IDs in every ledger; stored in the event, so stable forever once assigned.
public enum RelationshipTypeID {
    static let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789".utf8)

    static func make(for key: RelationshipTypeKey, in state: any LedgerStateView) throws(LedgerError) -> String {
        var hasher = SHA256()
        for part in [key.kind.rawValue, key.role, key.fromType, key.toType] {
            hasher.update(part)
            hasher.update([0])
        }
        let digest = hasher.finalize()
        // A collision of 40 bits is unlikely but possible: lengthen until free.
        for length in stride(from: 8, through: 48, by: 2) {
            let id = "rt_" + String(decoding: base32(digest, characters: length), as: UTF8.self)
            if try state.relationshipType(id: id) == nil { return id }
        }
        throw LedgerError(.invalidField, "could not assign a relationship type ID")
    }

    static func base32(_ bytes: [UInt8], characters: Int) -> [UInt8] {
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes where output.count < characters {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5, output.count < characters {
                bits -= 5
                output.append(alphabet[(buffer >> bits) & 31])
            }
            buffer &= (1 << bits) - 1
        }
        return output
    }
}
