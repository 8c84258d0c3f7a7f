/// A commit time: milliseconds since the Unix epoch, UTC. Written in the log
/// as RFC 3339 (`2026-11-22T09:30:00.125Z`) so humans can read it; parsed
/// here without Foundation so the format is exactly ours.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// Years 0001–9999 only: RFC 3339 has four-digit years.
    static let minimum = Timestamp(millisecondsSinceEpoch: -62_135_596_800_000)
    static let maximum = Timestamp(millisecondsSinceEpoch: 253_402_300_799_999)

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, always with milliseconds, always UTC.
    public var description: String {
        let clamped = min(max(millisecondsSinceEpoch, Self.minimum.millisecondsSinceEpoch), Self.maximum.millisecondsSinceEpoch)
        let (days, msOfDay) = floorDivide(clamped, 86_400_000)
        let (year, month, day) = CivilCalendar.date(fromDaysSinceEpoch: days)
        let seconds = msOfDay / 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
    }

    /// Parses an RFC 3339 date-time (`2026-11-01T00:00:00Z`,
    /// `2026-11-01T09:30:00.5+02:00`). Fractions finer than a millisecond are
    /// truncated, which keeps "at or before T" true for as-of queries.
    public init?(rfc3339 text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
              let month = scanner.number(digits: 2), scanner.skip("-"),
              let day = scanner.number(digits: 2), scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
              let hour = scanner.number(digits: 2), scanner.skip(":"),
              let minute = scanner.number(digits: 2), scanner.skip(":"),
              let second = scanner.number(digits: 2) else { return nil }
        var millis: Int64 = 0
        if scanner.skip(".") {
            guard let fraction = scanner.fractionMilliseconds() else { return nil }
            millis = fraction
        }
        guard let offsetMinutes = scanner.utcOffsetMinutes(), scanner.atEnd else { return nil }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 61 else { return nil }
        let days = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
        let secondOfDay = hour * 3600 + minute * 60 + min(second, 59) - offsetMinutes * 60
        let milliseconds = (days * 86_400 + secondOfDay) * 1000 + millis
        // An offset can move a time at the ends of the range outside it.
        guard (Self.minimum.millisecondsSinceEpoch...Self.maximum.millisecondsSinceEpoch).contains(milliseconds) else { return nil }
        self.init(millisecondsSinceEpoch: milliseconds)
    }
}

private func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

private func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
    let quotient = a >= 0 ? a / b : -((-a + b - 1) / b)
    return (quotient, a - quotient * b)
}

/// A tiny cursor over ASCII bytes for the RFC 3339 grammar.
private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func number(digits count: Int) -> Int64? {
        guard index + count <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[index..<index + count] {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        index += count
        return value
    }

    /// One or more digits; the first three are milliseconds.
    mutating func fractionMilliseconds() -> Int64? {
        var millis: Int64 = 0
        var digits = 0
        while index < bytes.count, (48...57).contains(bytes[index]) {
            if digits < 3 { millis = millis * 10 + Int64(bytes[index] - 48) }
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        for _ in digits..<max(digits, 3) { millis *= 10 }
        return millis
    }

    /// `Z` or `±HH:MM`, as minutes east of UTC.
    mutating func utcOffsetMinutes() -> Int64? {
        if skip("Z") || skip("z") { return 0 }
        let sign: Int64
        if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
        guard let hours = number(digits: 2), skip(":"), let minutes = number(digits: 2),
              hours < 24, minutes < 60 else { return nil }
        return sign * (hours * 60 + minutes)
    }
}
