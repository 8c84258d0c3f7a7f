import Testing
@testable import TiesCore

/// RFC 3339 commit times. Expected values computed with Python's
/// `datetime.fromisoformat(...) - epoch` in milliseconds.
struct TimestampTests {
    struct Parse: Sendable, CustomTestStringConvertible {
        let text: String
        let milliseconds: Int64
        var testDescription: String { text }

        init(_ text: String, _ milliseconds: Int64) {
            self.text = text
            self.milliseconds = milliseconds
        }
    }

    static let valid: [Parse] = [
        Parse("1970-01-01T00:00:00Z", 0),
        Parse("2026-11-01T00:00:00Z", 1_793_491_200_000),
        Parse("2026-11-22T09:30:00.125Z", 1_795_339_800_125),
        Parse("2026-11-01T00:00:00.1Z", 1_793_491_200_100),
        Parse("2026-11-01T00:00:00.10Z", 1_793_491_200_100),
        Parse("2026-11-01T09:30:00.5+02:00", 1_793_518_200_500),
        Parse("2026-11-01T09:30:00.9876+02:00", 1_793_518_200_987),
        Parse("2026-11-01T09:30:00.987999999999+02:00", 1_793_518_200_987),
        Parse("2026-11-01T09:30:00-05:30", 1_793_545_200_000),
        Parse("2026-11-01T23:30:00-01:00", 1_793_579_400_000),
        Parse("2026-01-01T01:00:00+01:00", 1_767_225_600_000),
        Parse("2026-01-01T00:30:00+01:00", 1_767_223_800_000),
        Parse("2026-11-01T00:00:00+00:00", 1_793_491_200_000),
        Parse("2026-11-01T00:00:00-00:00", 1_793_491_200_000),
        Parse("2026-11-01t00:00:00z", 1_793_491_200_000),
        Parse("2026-11-01 00:00:00Z", 1_793_491_200_000),
        Parse("2024-02-29T12:00:00Z", 1_709_208_000_000),
        Parse("2000-02-29T23:59:59.999Z", 951_868_799_999),
        Parse("1600-02-29T00:00:00Z", -11_670_998_400_000),
        Parse("2024-12-31T23:59:59.999Z", 1_735_689_599_999),
        Parse("1969-12-31T23:59:59.999Z", -1),
        Parse("1900-03-01T00:00:00Z", -2_203_891_200_000),
        Parse("0001-01-01T00:00:00Z", -62_135_596_800_000),
        Parse("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
        // A leap second is accepted and counted as the second before it.
        Parse("2016-12-31T23:59:60Z", 1_483_228_799_000),
    ]

    @Test("RFC 3339 times parse to milliseconds since the epoch", arguments: valid)
    func parses(_ parse: Parse) throws {
        let timestamp = try #require(Timestamp(rfc3339: parse.text))
        #expect(timestamp.millisecondsSinceEpoch == parse.milliseconds)
    }

    static let invalid: [String] = [
        "", "2026-11-01", "2026-11-01T00:00:00", "2026-11-01T00:00Z", "2026-11-01T00:00:00.Z",
        "2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-32T00:00:00Z",
        "0000-01-01T00:00:00Z", "2026-11-01T24:00:00Z", "2026-11-01T00:60:00Z", "2026-11-01T00:00:61Z",
        "2026-11-01T00:00:00+0200", "2026-11-01T00:00:00+02", "2026-11-01T00:00:00+24:00", "2026-11-01T00:00:00+02:60",
        "2026-11-01T00:00:00 Z", "2026-11-01T00:00:00ZZ", "2026-11-01T00:00:00Z ", " 2026-11-01T00:00:00Z",
        "26-11-01T00:00:00Z", "2026-1-01T00:00:00Z", "2026/11/01T00:00:00Z", "2026-11-01X00:00:00Z",
        "+2026-11-01T00:00:00Z", "2026-11-01T00:00:00.-1Z", "２026-11-01T00:00:00Z", "1234", "now",
    ]

    @Test("invalid times are refused", arguments: invalid)
    func refuses(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("description is UTC with milliseconds", arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_795_339_800_125, "2026-11-22T09:30:00.125Z"),
        (1_709_208_000_007, "2024-02-29T12:00:00.007Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func description(_ milliseconds: Int64, _ text: String) {
        #expect(Timestamp(millisecondsSinceEpoch: milliseconds).description == text)
    }

    @Test("an offset time is described in UTC")
    func offsetsNormalizeToUTC() throws {
        #expect(try #require(Timestamp(rfc3339: "2026-11-01T09:30:00.5+02:00")).description == "2026-11-01T07:30:00.500Z")
        #expect(try #require(Timestamp(rfc3339: "2026-12-31T23:30:00-01:00")).description == "2027-01-01T00:30:00.000Z")
    }

    @Test("description parses back to the same instant", arguments: [
        Int64(0), 1, -1, 999, 1_000, 86_399_999, 86_400_000, -86_400_001, 951_782_400_000, 1_795_339_800_125,
        4_102_444_800_000, -62_135_596_800_000, 253_402_300_799_999, 123_456_789_012,
    ])
    func roundTrip(_ milliseconds: Int64) throws {
        let text = Timestamp(millisecondsSinceEpoch: milliseconds).description
        #expect(try #require(Timestamp(rfc3339: text)).millisecondsSinceEpoch == milliseconds)
    }

    @Test("every day of a leap year and of a common year round trips")
    func everyDayRoundTrips() throws {
        // 2024-01-01 and 2100-01-01 (2100 is not a leap year).
        for start in [Int64(1_704_067_200_000), 4_102_444_800_000] {
            var previous = ""
            for day in 0..<366 {
                let milliseconds = start + Int64(day) * 86_400_000 + 43_200_123
                let text = Timestamp(millisecondsSinceEpoch: milliseconds).description
                #expect(text > previous)
                #expect(try #require(Timestamp(rfc3339: text)).millisecondsSinceEpoch == milliseconds, "\(text)")
                previous = text
            }
        }
        #expect(Timestamp(millisecondsSinceEpoch: 1_704_067_200_000 + 59 * 86_400_000).description == "2024-02-29T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: 4_102_444_800_000 + 59 * 86_400_000).description == "2100-03-01T00:00:00.000Z")
    }

    @Test("timestamps order by instant, not by text")
    func ordering() throws {
        let early = try #require(Timestamp(rfc3339: "2026-11-01T10:00:00+02:00"))
        let late = try #require(Timestamp(rfc3339: "2026-11-01T09:00:00Z"))
        #expect(early < late)
        #expect(!(late < early))
    }
}

@Test("an offset that moves a time outside years 0001–9999 is rejected, not clamped")
func offsetsCannotLeaveTheSupportedRange() {
    #expect(Timestamp(rfc3339: "0001-01-01T00:00:00+01:00") == nil)
    #expect(Timestamp(rfc3339: "9999-12-31T23:59:59-01:00") == nil)
    #expect(Timestamp(rfc3339: "0001-01-01T01:00:00+01:00")?.description == "0001-01-01T00:00:00.000Z")
}
