/// A strict RFC 8259 parser. Strictness is the point: input comes from files and
/// other tools, and anything we accept here we must also be able to write back
/// unchanged, so every leniency (comments, trailing commas, lone surrogates,
/// invalid UTF-8, duplicate keys) is an error with a byte offset.
public enum JSONParser {

    /// Parses exactly one JSON value (RFC 8259) surrounded by optional whitespace.
    /// `maxDepth` bounds the nesting of arrays and objects, and with it the
    /// parser's recursion, so keep it modest.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, maxDepth: Int = Limits.jsonDepthMax
    ) throws(JSONError) -> JSONValue {
        // Rebinding is the sanctioned way to view raw memory as bytes; the
        // closure API cannot carry a typed error, so it travels in a Result.
        let result = bytes.withMemoryRebound(to: UInt8.self) { buffer in
            Result { () throws(JSONError) -> JSONValue in
                guard let base = buffer.baseAddress, !buffer.isEmpty else {
                    throw JSONError(offset: 0, message: "empty input")
                }
                var reader = Reader(base: base, end: buffer.count, maxDepth: maxDepth)
                return try reader.parseDocument()
            }
        }
        return try result.get()
    }

    public static func parse(
        _ bytes: [UInt8], maxDepth: Int = Limits.jsonDepthMax
    ) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> JSONValue in try parse(raw, maxDepth: maxDepth) }
        }.get()
    }

    public static func parse(
        _ text: String, maxDepth: Int = Limits.jsonDepthMax
    ) throws(JSONError) -> JSONValue {
        var text = text
        return try text.withUTF8 { utf8 in
            Result { () throws(JSONError) -> JSONValue in
                try parse(UnsafeRawBufferPointer(utf8), maxDepth: maxDepth)
            }
        }.get()
    }
}

// Helpers are nested so their short names cannot collide elsewhere in the module.
extension JSONParser {
    private enum ASCII {
        static let quote = UInt8(ascii: "\"")
        static let backslash = UInt8(ascii: "\\")
        static let comma = UInt8(ascii: ",")
        static let colon = UInt8(ascii: ":")
        static let minus = UInt8(ascii: "-")
        static let plus = UInt8(ascii: "+")
        static let dot = UInt8(ascii: ".")
        static let zero = UInt8(ascii: "0")
        static let openBracket = UInt8(ascii: "[")
        static let closeBracket = UInt8(ascii: "]")
        static let openBrace = UInt8(ascii: "{")
        static let closeBrace = UInt8(ascii: "}")

        @inline(__always)
        static func isWhitespace(_ c: UInt8) -> Bool {
            c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
        }

        /// The digit's value, or nil; one subtraction instead of a range check.
        @inline(__always)
        static func digit(_ c: UInt8) -> UInt8? {
            let d = c &- zero
            return d < 10 ? d : nil
        }

        @inline(__always)
        static func hexDigit(_ c: UInt8) -> UInt32? {
            if let d = digit(c) { return UInt32(d) }
            let lower = (c | 0x20) &- UInt8(ascii: "a")
            return lower < 6 ? UInt32(lower) + 10 : nil
        }
    }

    /// Cursor over the input. All reads go through `base[index]` after an explicit
    /// `index < end` check, which keeps the hot loops free of Array bounds checks.
    private struct Reader {
        let base: UnsafePointer<UInt8>
        let end: Int
        let maxDepth: Int
        var index = 0
        /// Reused for strings that contain escapes, so each one costs no allocation
        /// beyond the resulting String.
        var scratch: [UInt8] = []
        /// Values and members of the containers being parsed, innermost last. Shared
        /// across nesting levels so containers are allocated once, at their final size.
        var elementStack: [JSONValue] = []
        var memberStack: [Member] = []

        struct Member {
            var key: String
            var keyOffset: Int
            var value: JSONValue
        }

        init(base: UnsafePointer<UInt8>, end: Int, maxDepth: Int) {
            self.base = base
            self.end = end
            self.maxDepth = maxDepth
        }

        mutating func parseDocument() throws(JSONError) -> JSONValue {
            skipWhitespace()
            guard index < end else { throw JSONError(offset: index, message: "empty input") }
            let value = try parseValue(depth: 0)
            skipWhitespace()
            if index < end {
                if base[index] >= 0x80, (try? utf8SequenceLength(at: index)) == nil {
                    throw invalidUTF8(at: index)
                }
                throw JSONError(offset: index, message: "trailing characters after the value")
            }
            return value
        }

        /// Input bytes in `range`, which the caller has checked lies within `0..<end`.
        @inline(__always)
        func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while index < end, ASCII.isWhitespace(base[index]) { index += 1 }
        }

        /// Parses the value starting at `index`, which the caller has checked is in bounds.
        mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
            switch base[index] {
            case ASCII.quote: return .string(try parseString())
            case ASCII.openBrace: return try parseObject(depth: depth + 1)
            case ASCII.openBracket: return try parseArray(depth: depth + 1)
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case ASCII.minus, ASCII.zero...UInt8(ascii: "9"): return try parseNumber()
            default: throw unexpectedCharacter(at: index)
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
            let count = literal.utf8CodeUnitCount
            let expected = literal.utf8Start
            for k in 0..<count {
                guard index < end else { throw unexpectedEnd() }
                guard base[index] == expected[k] else { throw unexpectedCharacter(at: index) }
                index += 1
            }
        }

        // MARK: Containers

        mutating func checkDepth(_ depth: Int) throws(JSONError) {
            if depth > maxDepth {
                throw JSONError(offset: index, message: "nesting deeper than \(maxDepth)")
            }
        }

        /// The next non-whitespace byte, consumed; running out of input is an error.
        @inline(__always)
        mutating func nextToken() throws(JSONError) -> UInt8 {
            skipWhitespace()
            guard index < end else { throw unexpectedEnd() }
            index += 1
            return base[index - 1]
        }

        mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
            try checkDepth(depth)
            index += 1
            skipWhitespace()
            if index < end, base[index] == ASCII.closeBracket {
                index += 1
                return .array([])
            }
            // A Reader lives for one document; reserving once avoids regrowing per line.
            if elementStack.capacity == 0 { elementStack.reserveCapacity(16) }
            let first = elementStack.count
            while true {
                skipWhitespace()
                guard index < end else { throw unexpectedEnd() }
                elementStack.append(try parseValue(depth: depth))
                switch try nextToken() {
                case ASCII.comma: continue
                case ASCII.closeBracket: return .array(popElements(from: first))
                default: throw unexpectedCharacter(at: index - 1)
                }
            }
        }

        /// Moves `elementStack[first...]` into an exactly sized array; swapping in
        /// `.null` moves each element without a retain/release pair.
        mutating func popElements(from first: Int) -> [JSONValue] {
            var elements: [JSONValue] = []
            elements.reserveCapacity(elementStack.count - first)
            for i in first..<elementStack.count {
                var element = JSONValue.null
                swap(&element, &elementStack[i])
                elements.append(element)
            }
            elementStack.removeSubrange(first...)
            return elements
        }

        mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
            try checkDepth(depth)
            index += 1
            skipWhitespace()
            if index < end, base[index] == ASCII.closeBrace {
                index += 1
                return .object([:])
            }
            // A Reader lives for one document; reserving once avoids regrowing per line.
            if memberStack.capacity == 0 { memberStack.reserveCapacity(16) }
            let first = memberStack.count
            while true {
                skipWhitespace()
                guard index < end else { throw unexpectedEnd() }
                guard base[index] == ASCII.quote else { throw unexpectedCharacter(at: index) }
                let keyOffset = index
                let key = try parseString()
                guard try nextToken() == ASCII.colon else { throw unexpectedCharacter(at: index - 1) }
                skipWhitespace()
                guard index < end else { throw unexpectedEnd() }
                memberStack.append(Member(key: key, keyOffset: keyOffset, value: try parseValue(depth: depth)))
                switch try nextToken() {
                case ASCII.comma: continue
                case ASCII.closeBrace: return .object(try popMembers(from: first))
                default: throw unexpectedCharacter(at: index - 1)
                }
            }
        }

        /// Builds the dictionary once at its final size: growing it member by member
        /// rehashed every key several times and dominated the profile. Duplicates
        /// are therefore noticed when the object is complete.
        mutating func popMembers(from first: Int) throws(JSONError) -> [String: JSONValue] {
            var members = [String: JSONValue](minimumCapacity: memberStack.count - first)
            for i in first..<memberStack.count {
                var member = Member(key: "", keyOffset: 0, value: .null)
                swap(&member, &memberStack[i])
                if members.updateValue(member.value, forKey: member.key) != nil {
                    throw duplicateKey(member.key, at: member.keyOffset)
                }
            }
            memberStack.removeSubrange(first...)
            return members
        }

        // MARK: Strings

        /// Parses a string whose opening quote is at `index`. The common case (no
        /// escapes) becomes a String straight from the input bytes.
        mutating func parseString() throws(JSONError) -> String {
            let quoteOffset = index
            index += 1
            let start = index
            while index < end {
                let c = base[index]
                if c == ASCII.quote {
                    index += 1
                    return String(decoding: slice(start..<index - 1), as: UTF8.self)
                }
                if c == ASCII.backslash { return try parseEscapedString(from: start, quoteOffset: quoteOffset) }
                try skipStringByte(c)
            }
            throw JSONError(offset: quoteOffset, message: "unterminated string")
        }

        /// Advances over one plain (non-quote, non-backslash) character of a string,
        /// validating it.
        @inline(__always)
        mutating func skipStringByte(_ c: UInt8) throws(JSONError) {
            if c >= 0x80 {
                index += try utf8SequenceLength(at: index)
            } else if c < 0x20 {
                throw JSONError(offset: index, message: "unescaped control character \(Self.describe(c)) in string")
            } else {
                index += 1
            }
        }

        /// Slow path: copies unescaped runs and decoded escapes into `scratch`.
        mutating func parseEscapedString(from start: Int, quoteOffset: Int) throws(JSONError) -> String {
            scratch.removeAll(keepingCapacity: true)
            var runStart = start
            while index < end {
                let c = base[index]
                if c == ASCII.quote || c == ASCII.backslash {
                    scratch.append(contentsOf: slice(runStart..<index))
                    if c == ASCII.quote {
                        index += 1
                        return String(decoding: scratch, as: UTF8.self)
                    }
                    try parseEscape()
                    runStart = index
                } else {
                    try skipStringByte(c)
                }
            }
            throw JSONError(offset: quoteOffset, message: "unterminated string")
        }

        /// Decodes the escape whose backslash is at `index` and appends its UTF-8.
        mutating func parseEscape() throws(JSONError) {
            let escapeOffset = index
            guard index + 1 < end else { throw unexpectedEnd(at: end) }
            let c = base[index + 1]
            index += 2
            switch c {
            case ASCII.quote, ASCII.backslash, UInt8(ascii: "/"): scratch.append(c)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"): appendUTF8(try parseUnicodeEscape(escapeOffset: escapeOffset))
            case 0x21..<0x7F:
                throw JSONError(offset: escapeOffset, message: "invalid escape '\\\(Character(Unicode.Scalar(c)))'")
            default:
                // A backslash before a broken sequence is still, first, broken UTF-8.
                if c >= 0x80 { _ = try utf8SequenceLength(at: escapeOffset + 1) }
                throw JSONError(offset: escapeOffset, message: "invalid escape")
            }
        }

        /// Reads the hex digits after `\u` (and a following low-surrogate escape if
        /// needed). Lone surrogates have no UTF-8 form, so they are errors.
        mutating func parseUnicodeEscape(escapeOffset: Int) throws(JSONError) -> UInt32 {
            let unit = try readHex4(escapeOffset: escapeOffset)
            switch unit {
            case 0xD800...0xDBFF:
                guard index + 1 < end, base[index] == ASCII.backslash, base[index + 1] == UInt8(ascii: "u") else {
                    throw loneSurrogate(unit, at: escapeOffset)
                }
                let lowOffset = index
                index += 2
                let low = try readHex4(escapeOffset: lowOffset)
                guard (0xDC00...0xDFFF).contains(low) else { throw loneSurrogate(unit, at: escapeOffset) }
                return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            case 0xDC00...0xDFFF:
                throw loneSurrogate(unit, at: escapeOffset)
            default:
                return unit
            }
        }

        mutating func readHex4(escapeOffset: Int) throws(JSONError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard index < end, let d = ASCII.hexDigit(base[index]) else {
                    throw JSONError(offset: escapeOffset, message: "invalid \\u escape")
                }
                value = value << 4 | d
                index += 1
            }
            return value
        }

        /// `scalar` is never a surrogate and never above U+FFFF unless it came from
        /// a surrogate pair, so it always has a UTF-8 encoding.
        mutating func appendUTF8(_ scalar: UInt32) {
            switch scalar {
            case ..<0x80:
                scratch.append(UInt8(scalar))
            case ..<0x800:
                scratch.append(UInt8(0xC0 | scalar >> 6))
                scratch.append(UInt8(0x80 | scalar & 0x3F))
            case ..<0x10000:
                scratch.append(UInt8(0xE0 | scalar >> 12))
                scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                scratch.append(UInt8(0x80 | scalar & 0x3F))
            default:
                scratch.append(UInt8(0xF0 | scalar >> 18))
                scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
                scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                scratch.append(UInt8(0x80 | scalar & 0x3F))
            }
        }

        /// Length of the well-formed UTF-8 sequence whose lead byte (>= 0x80) is at
        /// `i`. Follows the Unicode table of well-formed sequences, which rules out
        /// overlong forms, encoded surrogates and scalars above U+10FFFF.
        func utf8SequenceLength(at i: Int) throws(JSONError) -> Int {
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            let length: Int
            switch base[i] {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: throw invalidUTF8(at: i)
            }
            guard end - i >= length, (lower...upper).contains(base[i + 1]) else { throw invalidUTF8(at: i) }
            for k in 2..<length where base[i + k] & 0xC0 != 0x80 {
                throw invalidUTF8(at: i)
            }
            return length
        }

        // MARK: Numbers

        /// Parses `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. Integers are
        /// accumulated negatively (overflow-checked) so Int64.min is reachable.
        mutating func parseNumber() throws(JSONError) -> JSONValue {
            let start = index
            let negative = base[index] == ASCII.minus
            if negative { index += 1 }
            guard index < end, let first = ASCII.digit(base[index]) else { throw expectedDigit() }
            var accumulator = -Int64(first)
            var fitsInt64 = true
            index += 1
            if first == 0 {
                if index < end, ASCII.digit(base[index]) != nil {
                    throw JSONError(offset: index - 1, message: "leading zeros are not allowed")
                }
            } else {
                while index < end, let d = ASCII.digit(base[index]) {
                    let (times10, o1) = accumulator.multipliedReportingOverflow(by: 10)
                    let (next, o2) = times10.subtractingReportingOverflow(Int64(d))
                    fitsInt64 = fitsInt64 && !o1 && !o2
                    accumulator = next
                    index += 1
                }
            }
            let isInteger = try skipFractionAndExponent()
            if isInteger && fitsInt64 {
                if negative { return .int(accumulator) }
                if accumulator != .min { return .int(-accumulator) }
            }
            return .double(try parseDouble(from: start))
        }

        /// Consumes an optional fraction and exponent; returns true if there were none.
        mutating func skipFractionAndExponent() throws(JSONError) -> Bool {
            var isInteger = true
            if index < end, base[index] == ASCII.dot {
                isInteger = false
                index += 1
                try skipDigits()
            }
            if index < end, base[index] | 0x20 == UInt8(ascii: "e") {
                isInteger = false
                index += 1
                if index < end, base[index] == ASCII.plus || base[index] == ASCII.minus { index += 1 }
                try skipDigits()
            }
            return isInteger
        }

        /// One or more digits.
        mutating func skipDigits() throws(JSONError) {
            guard index < end, ASCII.digit(base[index]) != nil else { throw expectedDigit() }
            repeat { index += 1 } while index < end && ASCII.digit(base[index]) != nil
        }

        /// The grammar is already checked, so the standard library's correctly rounded
        /// conversion only has to reject values that round to infinity.
        func parseDouble(from start: Int) throws(JSONError) -> Double {
            if let value = fastDouble(from: start) { return value }
            let text = String(decoding: slice(start..<index), as: UTF8.self)
            guard let value = Double(text), value.isFinite else {
                throw JSONError(offset: start, message: "number out of range")
            }
            return value
        }

        /// Clinger's fast path for the already validated number in `start..<index`:
        /// when the digits fit a Double exactly (at most 2^53) and so does the power
        /// of ten (at most 1e22), one multiplication or division is correctly rounded.
        /// Covers typical decimals and spares them the trip through strtod.
        func fastDouble(from start: Int) -> Double? {
            var i = start
            let negative = base[i] == ASCII.minus
            if negative { i += 1 }
            var mantissa: UInt64 = 0
            var exponent = 0
            var inFraction = false
            while i < index, base[i] | 0x20 != UInt8(ascii: "e") {
                if let d = ASCII.digit(base[i]) {
                    mantissa = mantissa * 10 + UInt64(d)  // cannot overflow: mantissa <= 2^53 here
                    guard mantissa <= 1 << 53 else { return nil }
                    if inFraction { exponent -= 1 }
                } else {
                    inFraction = true  // the only other byte before an exponent is '.'
                }
                i += 1
            }
            if i < index {
                guard let written = smallExponent(from: i + 1) else { return nil }
                exponent += written
            }
            guard abs(exponent) < Self.exactPowersOfTen.count else { return nil }
            let power = Self.exactPowersOfTen[abs(exponent)]
            let magnitude = exponent < 0 ? Double(mantissa) / power : Double(mantissa) * power
            return negative ? -magnitude : magnitude
        }

        /// The validated exponent that starts at `i` (just after the `e`), or nil when
        /// it has more than four digits, which no fast-path number has.
        func smallExponent(from i: Int) -> Int? {
            var i = i
            let negative = base[i] == ASCII.minus
            if negative || base[i] == ASCII.plus { i += 1 }
            guard index - i <= 4 else { return nil }
            var value = 0
            while i < index {
                value = value * 10 + Int(base[i] - ASCII.zero)
                i += 1
            }
            return negative ? -value : value
        }

        private static let exactPowersOfTen: [Double] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
            1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ]

        // MARK: Errors

        func unexpectedEnd(at offset: Int? = nil) -> JSONError {
            JSONError(offset: offset ?? index, message: "unexpected end of input")
        }

        func expectedDigit() -> JSONError {
            index < end ? JSONError(offset: index, message: "expected a digit") : unexpectedEnd()
        }

        func invalidUTF8(at offset: Int) -> JSONError {
            JSONError(offset: offset, message: "invalid UTF-8")
        }

        func loneSurrogate(_ unit: UInt32, at offset: Int) -> JSONError {
            JSONError(offset: offset, message: "lone surrogate \(Self.describe(unit))")
        }

        func duplicateKey(_ key: String, at offset: Int) -> JSONError {
            var writer = JSONWriter(capacity: key.utf8.count + 2)
            writer.writeString(key)
            return JSONError(offset: offset, message: "duplicate key \(String(decoding: writer.bytes, as: UTF8.self))")
        }

        /// Names the character at `offset`; a non-ASCII byte that does not start
        /// valid UTF-8 is reported as invalid UTF-8 instead.
        func unexpectedCharacter(at offset: Int) -> JSONError {
            let c = base[offset]
            guard c >= 0x80 else {
                return JSONError(offset: offset, message: "unexpected character \(Self.describe(c))")
            }
            guard let length = try? utf8SequenceLength(at: offset) else { return invalidUTF8(at: offset) }
            let character = String(decoding: slice(offset..<offset + length), as: UTF8.self)
            let scalar = character.unicodeScalars.first?.value ?? 0
            return JSONError(offset: offset, message: "unexpected character \(Self.describe(scalar))")
        }

        /// Printable ASCII in quotes, anything else as U+XXXX so messages stay readable.
        static func describe<T: BinaryInteger>(_ value: T) -> String {
            if value > 0x20, value < 0x7F, let scalar = Unicode.Scalar(UInt32(value)) {
                return "'\(Character(scalar))'"
            }
            let hex = String(value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }
}
