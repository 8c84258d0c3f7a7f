/// The RFC 9110/9112/3986 character classes, as byte predicates.
enum HTTPSyntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let question = UInt8(ascii: "?")
    static let percent = UInt8(ascii: "%")
    static let crlf: [UInt8] = [0x0D, 0x0A]

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == sp || byte == tab }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        if isDigit(byte) { return byte &- UInt8(ascii: "0") }
        let letter = (byte | 0x20) &- UInt8(ascii: "a")
        return letter < 6 ? letter + 10 : nil
    }

    /// tchar (RFC 9110 §5.6.2).
    static func isTchar(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || isDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func isToken(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isTchar)
    }

    /// unreserved / sub-delims (RFC 3986 §2).
    static func isUnreservedOrSubDelim(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || isDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    /// origin-form = absolute-path [ "?" query ]: a "/" first, then pchar,
    /// "/" and "?" only, with every "%" followed by two hex digits. No "#",
    /// no spaces, no bytes past ASCII, no raw "\\" or quotes.
    static func isOriginForm(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.first == UInt8(ascii: "/") && isPercentEncoded(bytes) { byte in
            isUnreservedOrSubDelim(byte) || byte == colon || byte == UInt8(ascii: "@")
                || byte == UInt8(ascii: "/") || byte == question
        }
    }

    /// Host = uri-host [ ":" port ], checked as its character set: reg-name
    /// or IP-literal bytes and ":". Empty is allowed (RFC 9112 §3.2).
    static func isHost(_ bytes: some Collection<UInt8>) -> Bool {
        isPercentEncoded(bytes) { byte in
            isUnreservedOrSubDelim(byte) || byte == colon
                || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
        }
    }

    /// Every byte is allowed or part of a complete `%XX` escape.
    static func isPercentEncoded(
        _ bytes: some Collection<UInt8>, allowing isAllowed: (UInt8) -> Bool
    ) -> Bool {
        var hexDigitsOwed = 0
        for byte in bytes {
            if hexDigitsOwed > 0 {
                guard hexValue(byte) != nil else { return false }
                hexDigitsOwed -= 1
            } else if byte == percent {
                hexDigitsOwed = 2
            } else if !isAllowed(byte) {
                return false
            }
        }
        return hexDigitsOwed == 0
    }

    /// ASCII case-insensitive comparison with a lowercase literal.
    static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ lowercase: String) -> Bool {
        bytes.elementsEqual(lowercase.utf8) { byte, expected in
            (isAlpha(byte) ? byte | 0x20 : byte) == expected
        }
    }

    /// The bytes without leading and trailing SP and HTAB (OWS).
    static func trimmingWhitespace<C: BidirectionalCollection<UInt8>>(_ bytes: C) -> C.SubSequence {
        var low = bytes.startIndex
        var high = bytes.endIndex
        while low < high, isWhitespace(bytes[low]) { low = bytes.index(after: low) }
        while high > low, isWhitespace(bytes[bytes.index(before: high)]) {
            high = bytes.index(before: high)
        }
        return bytes[low..<high]
    }
}
