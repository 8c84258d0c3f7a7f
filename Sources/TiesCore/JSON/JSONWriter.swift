/// Appends JSON text to a byte buffer. Deterministic: object keys are written in
/// ascending order of their UTF-8 bytes; no whitespace; strings escape only `"`, `\`
/// and control characters below U+0020 (as \b \f \n \r \t or \u00XX), everything else raw UTF-8;
/// Doubles in Swift's shortest round-trip form (`description`), ints as decimal.
///
/// Determinism is what lets encoded values be compared and hashed byte for byte.
public struct JSONWriter {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func writeValue(_ value: JSONValue) {
        switch value {
        case .null: writeNull()
        case .bool(let b): writeBool(b)
        case .int(let n): writeInt(n)
        case .double(let d): writeDouble(d)
        case .string(let s): writeString(s)
        case .array(let elements): writeArray(elements)
        case .object(let members): writeObject(members)
        }
    }

    /// A quoted, escaped JSON string.
    public mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // Native strings expose their UTF-8 directly; others are made contiguous once.
        if s.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            var copy = s
            copy.withUTF8 { appendEscaped($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Copies `ascii` verbatim, e.g. `"{"` or `",\"seq\":"`; the caller vouches it is valid JSON text.
    public mutating func writeRaw(_ ascii: StaticString) {
        ascii.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func writeRawBytes(_ b: [UInt8]) {
        bytes.append(contentsOf: b)
    }

    /// Decimal digits without going through String, so no allocation.
    public mutating func writeInt(_ n: Int64) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = n.magnitude
        let firstDigit = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[firstDigit...].reverse()
    }

    public mutating func writeBool(_ b: Bool) {
        if b { writeRaw("true") } else { writeRaw("false") }
    }

    public mutating func writeNull() {
        writeRaw("null")
    }

    /// Members in ascending order of their keys' UTF-8 bytes. Swift's own String
    /// ordering is not byte order, hence the explicit comparison.
    public mutating func writeObject(_ dict: [String: JSONValue]) {
        bytes.append(UInt8(ascii: "{"))
        let members = dict.sorted { Self.utf8Precedes($0.key, $1.key) }
        for (i, member) in members.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(member.key)
            bytes.append(UInt8(ascii: ":"))
            writeValue(member.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeArray(_ elements: [JSONValue]) {
        bytes.append(UInt8(ascii: "["))
        for (i, element) in elements.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            writeValue(element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// JSON has no spelling for NaN or infinity; the parser never produces them,
    /// and a hand-built one is written as `null` rather than as invalid JSON.
    private mutating func writeDouble(_ d: Double) {
        guard d.isFinite else { return writeNull() }
        bytes.append(contentsOf: d.description.utf8)
    }

    /// Byte order of the UTF-8 encodings. Compares flat buffers when the strings
    /// have them (always, for native strings): the generic UTF8View walk was the
    /// writer's main cost.
    private static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        let flat = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in x.lexicographicallyPrecedes(y) }
        }
        return (flat ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Copies runs of bytes that need no escaping in one go.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for i in utf8.indices {
            let c = utf8[i]
            guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
            appendEscape(c)
            runStart = i + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
    }

    private mutating func appendEscape(_ c: UInt8) {
        switch c {
        case UInt8(ascii: "\""): writeRaw("\\\"")
        case UInt8(ascii: "\\"): writeRaw("\\\\")
        case 0x08: writeRaw("\\b")
        case 0x0C: writeRaw("\\f")
        case 0x0A: writeRaw("\\n")
        case 0x0D: writeRaw("\\r")
        case 0x09: writeRaw("\\t")
        default:
            writeRaw("\\u00")
            let hex: StaticString = "0123456789abcdef"
            bytes.append(hex.utf8Start[Int(c >> 4)])
            bytes.append(hex.utf8Start[Int(c & 0x0F)])
        }
    }
}

extension JSONValue {
    /// Canonical encoding (as `JSONWriter.writeValue`) as bytes.
    public var encodedBytes: [UInt8] {
        var writer = JSONWriter()
        writer.writeValue(self)
        return writer.bytes
    }

    /// Canonical encoding (as `JSONWriter.writeValue`) as a String.
    public var encodedString: String {
        String(decoding: encodedBytes, as: UTF8.self)
    }
}
