import Foundation
import Testing
@testable import TiesCore
import TiesTestSupport

/// Everything lives inside the suite so helper names (case tables, generators)
/// cannot collide with other test files in this target.
struct JSONTests {
    // MARK: - Tables

    /// A document the parser must accept, with the value it must produce.
    struct ValidCase: Sendable, CustomTestStringConvertible {
        let bytes: [UInt8]
        let expected: JSONValue

        init(_ text: String, _ expected: JSONValue) {
            self.bytes = Array(text.utf8)
            self.expected = expected
        }

        init(bytes: [UInt8], _ expected: JSONValue) {
            self.bytes = bytes
            self.expected = expected
        }

        var testDescription: String { JSONTests.printable(bytes) }
    }

    /// A document the parser must reject, with the offset and message it must report.
    struct InvalidCase: Sendable, CustomTestStringConvertible {
        let bytes: [UInt8]
        let offset: Int
        let message: String

        init(_ text: String, at offset: Int, _ message: String) {
            self.bytes = Array(text.utf8)
            self.offset = offset
            self.message = message
        }

        init(bytes: [UInt8], at offset: Int, _ message: String) {
            self.bytes = bytes
            self.offset = offset
            self.message = message
        }

        var testDescription: String { JSONTests.printable(bytes) }
    }

    /// Test names for byte strings that may not be valid UTF-8 or may be huge.
    static func printable(_ bytes: [UInt8]) -> String {
        let shown = bytes.prefix(40).map { b -> String in
            (0x20..<0x7F).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
        }.joined()
        return bytes.count > 40 ? shown + "…(\(bytes.count) bytes)" : shown
    }

    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    static func nestedObjects(_ depth: Int) -> String {
        String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
    }

    static func nestedValue(_ depth: Int) -> JSONValue {
        (1..<depth).reduce(JSONValue.array([])) { inner, _ in .array([inner]) }
    }

    static let validCases: [ValidCase] = [
        // Literals and whitespace.
        ValidCase("null", .null),
        ValidCase("true", .bool(true)),
        ValidCase("false", .bool(false)),
        ValidCase(" \t\n\r1 \t\n\r", .int(1)),
        // Integers, including both Int64 limits.
        ValidCase("0", .int(0)),
        ValidCase("-0", .int(0)),
        ValidCase("7", .int(7)),
        ValidCase("-12", .int(-12)),
        ValidCase("9223372036854775807", .int(.max)),
        ValidCase("-9223372036854775808", .int(.min)),
        // Integers beyond Int64 become doubles rather than errors.
        ValidCase("9223372036854775808", .double(9223372036854775808.0)),
        ValidCase("-9223372036854775809", .double(-9223372036854775809.0)),
        ValidCase("123456789012345678901234567890", .double(123456789012345678901234567890.0)),
        // Fractions and exponents.
        ValidCase("0.5", .double(0.5)),
        ValidCase("-0.0", .double(-0.0)),
        ValidCase("5.0", .double(5.0)),
        ValidCase("1e5", .double(1e5)),
        ValidCase("1E5", .double(1e5)),
        ValidCase("1e+5", .double(1e5)),
        ValidCase("1e-5", .double(1e-5)),
        ValidCase("1.25e2", .double(125)),
        ValidCase("0e0", .double(0)),
        ValidCase("1e-400", .double(0)),
        ValidCase("1.7976931348623157e308", .double(.greatestFiniteMagnitude)),
        ValidCase("5e-324", .double(.leastNonzeroMagnitude)),
        // Strings and escapes.
        ValidCase("\"\"", .string("")),
        ValidCase("\"abc\"", .string("abc")),
        ValidCase(#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{C}\n\r\t")),
        ValidCase(#""\u0041\u00e9\u00E9""#, .string("Aéé")),
        ValidCase(#""\u0000""#, .string("\u{0}")),
        ValidCase(#""\ud83d\ude00""#, .string("😀")),
        ValidCase(#""\uDBFF\uDFFF""#, .string("\u{10FFFF}")),
        ValidCase(#""a\nb""#, .string("a\nb")),
        ValidCase("\"\u{7F}\"", .string("\u{7F}")),
        ValidCase("\"é😀中\"", .string("é😀中")),
        // The boundaries of well-formed UTF-8.
        ValidCase(bytes: [0x22, 0xC2, 0x80, 0x22], .string("\u{80}")),
        ValidCase(bytes: [0x22, 0xDF, 0xBF, 0x22], .string("\u{7FF}")),
        ValidCase(bytes: [0x22, 0xE0, 0xA0, 0x80, 0x22], .string("\u{800}")),
        ValidCase(bytes: [0x22, 0xED, 0x9F, 0xBF, 0x22], .string("\u{D7FF}")),
        ValidCase(bytes: [0x22, 0xEE, 0x80, 0x80, 0x22], .string("\u{E000}")),
        ValidCase(bytes: [0x22, 0xF0, 0x90, 0x80, 0x80, 0x22], .string("\u{10000}")),
        ValidCase(bytes: [0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22], .string("\u{10FFFF}")),
        // Containers.
        ValidCase("[]", .array([])),
        ValidCase("[ ]", .array([])),
        ValidCase("[1, \"a\" ,null]", .array([.int(1), .string("a"), .null])),
        ValidCase("[[[]]]", .array([.array([.array([])])])),
        ValidCase("{}", .object([:])),
        ValidCase(" { } ", .object([:])),
        ValidCase("{\"a\":1}", .object(["a": .int(1)])),
        ValidCase("{ \"a\" : [true, {\"b\": null}] , \"c\":\"d\" }",
                  .object(["a": .array([.bool(true), .object(["b": .null])]), "c": .string("d")])),
        ValidCase(#"{"\u0061":1,"b\"":2}"#, .object(["a": .int(1), "b\"": .int(2)])),
        ValidCase("{\"a\":1,\"A\":2}", .object(["a": .int(1), "A": .int(2)])),
        ValidCase(nested(Limits.jsonDepthMax), nestedValue(Limits.jsonDepthMax)),
    ]

    static let invalidCases: [InvalidCase] = [
        // Empty input and bad literals.
        InvalidCase("", at: 0, "empty input"),
        InvalidCase(" \n\t\r", at: 4, "empty input"),
        InvalidCase("nul", at: 3, "unexpected end of input"),
        InvalidCase("nulx", at: 3, "unexpected character 'x'"),
        InvalidCase("True", at: 0, "unexpected character 'T'"),
        InvalidCase("tRUE", at: 1, "unexpected character 'R'"),
        InvalidCase("falsey", at: 5, "trailing characters after the value"),
        InvalidCase("undefined", at: 0, "unexpected character 'u'"),
        // Numbers outside the RFC 8259 grammar.
        InvalidCase("01", at: 0, "leading zeros are not allowed"),
        InvalidCase("-01", at: 1, "leading zeros are not allowed"),
        InvalidCase("00", at: 0, "leading zeros are not allowed"),
        InvalidCase("+1", at: 0, "unexpected character '+'"),
        InvalidCase(".5", at: 0, "unexpected character '.'"),
        InvalidCase("5.", at: 2, "unexpected end of input"),
        InvalidCase("5.e3", at: 2, "expected a digit"),
        InvalidCase("[5.]", at: 3, "expected a digit"),
        InvalidCase("1e", at: 2, "unexpected end of input"),
        InvalidCase("1e+", at: 3, "unexpected end of input"),
        InvalidCase("1e+x", at: 3, "expected a digit"),
        InvalidCase("-", at: 1, "unexpected end of input"),
        InvalidCase("-a", at: 1, "expected a digit"),
        InvalidCase("NaN", at: 0, "unexpected character 'N'"),
        InvalidCase("Infinity", at: 0, "unexpected character 'I'"),
        InvalidCase("-Infinity", at: 1, "expected a digit"),
        InvalidCase("0x10", at: 1, "trailing characters after the value"),
        InvalidCase("1e400", at: 0, "number out of range"),
        InvalidCase("[-1.5e999]", at: 1, "number out of range"),
        // Strings: control characters, escapes, surrogates.
        InvalidCase("\"abc", at: 0, "unterminated string"),
        InvalidCase("\"abc\\", at: 5, "unexpected end of input"),
        InvalidCase("\"a\u{1}b\"", at: 2, "unescaped control character U+0001 in string"),
        InvalidCase("\"\t\"", at: 1, "unescaped control character U+0009 in string"),
        InvalidCase("\"a\nb\"", at: 2, "unescaped control character U+000A in string"),
        InvalidCase(#""\x""#, at: 1, #"invalid escape '\x'"#),
        InvalidCase(#""\U0041""#, at: 1, #"invalid escape '\U'"#),
        InvalidCase(#""\'""#, at: 1, #"invalid escape '\''"#),
        InvalidCase(#""\u12""#, at: 1, #"invalid \u escape"#),
        InvalidCase(#""\uZZZZ""#, at: 1, #"invalid \u escape"#),
        InvalidCase(#""\u00e"#, at: 1, #"invalid \u escape"#),
        InvalidCase(#""\ud800""#, at: 1, "lone surrogate U+D800"),
        InvalidCase(#""\udc00""#, at: 1, "lone surrogate U+DC00"),
        InvalidCase(#""\ud800\u0041""#, at: 1, "lone surrogate U+D800"),
        InvalidCase(#""\ud800x""#, at: 1, "lone surrogate U+D800"),
        InvalidCase(#""\ud800\ud800""#, at: 1, "lone surrogate U+D800"),
        InvalidCase(#""\ud800\u12""#, at: 7, #"invalid \u escape"#),
        // Structure.
        InvalidCase("[1,]", at: 3, "unexpected character ']'"),
        InvalidCase("[1 2]", at: 3, "unexpected character '2'"),
        InvalidCase("[,1]", at: 1, "unexpected character ','"),
        InvalidCase("[", at: 1, "unexpected end of input"),
        InvalidCase("[1", at: 2, "unexpected end of input"),
        InvalidCase("]", at: 0, "unexpected character ']'"),
        InvalidCase("{\"a\"}", at: 4, "unexpected character '}'"),
        InvalidCase("{\"a\":}", at: 5, "unexpected character '}'"),
        InvalidCase("{\"a\" 1}", at: 5, "unexpected character '1'"),
        InvalidCase("{a:1}", at: 1, "unexpected character 'a'"),
        InvalidCase("{'a':1}", at: 1, "unexpected character '''"),
        InvalidCase("{\"a\":1,}", at: 7, "unexpected character '}'"),
        InvalidCase("{\"a\":1 \"b\":2}", at: 7, "unexpected character '\"'"),
        InvalidCase("{\"a\":1", at: 6, "unexpected end of input"),
        InvalidCase("{1:2}", at: 1, "unexpected character '1'"),
        InvalidCase("{\"a\":1,\"a\":2}", at: 7, "duplicate key \"a\""),
        InvalidCase("{\"a\":1,\"b\":{},\"\\u0061\":2}", at: 14, "duplicate key \"a\""),
        InvalidCase("{\"\\n\":1,\"\\n\":2}", at: 8, "duplicate key \"\\n\""),
        InvalidCase("1 2", at: 2, "trailing characters after the value"),
        InvalidCase("[] x", at: 3, "trailing characters after the value"),
        InvalidCase("{}{}", at: 2, "trailing characters after the value"),
        InvalidCase("/* c */ 1", at: 0, "unexpected character '/'"),
        // Whitespace is exactly space, tab, newline and carriage return.
        InvalidCase("\u{C}1", at: 0, "unexpected character U+000C"),
        InvalidCase("\u{B}1", at: 0, "unexpected character U+000B"),
        InvalidCase("\u{A0}1", at: 0, "unexpected character U+00A0"),
        InvalidCase("\u{FEFF}1", at: 0, "unexpected character U+FEFF"),
        InvalidCase("1\u{0}", at: 1, "trailing characters after the value"),
        // Depth limit.
        InvalidCase(nested(Limits.jsonDepthMax + 1), at: Limits.jsonDepthMax, "nesting deeper than \(Limits.jsonDepthMax)"),
        InvalidCase(nestedObjects(Limits.jsonDepthMax + 1), at: 5 * Limits.jsonDepthMax, "nesting deeper than \(Limits.jsonDepthMax)"),
        InvalidCase(String(repeating: "[", count: 100_000), at: Limits.jsonDepthMax, "nesting deeper than \(Limits.jsonDepthMax)"),
        // Invalid UTF-8 inside strings.
        InvalidCase(bytes: [0x22, 0x80, 0x22], at: 1, "invalid UTF-8"),          // lone continuation byte
        InvalidCase(bytes: [0x22, 0xBF, 0x22], at: 1, "invalid UTF-8"),
        InvalidCase(bytes: [0x22, 0xC0, 0x80, 0x22], at: 1, "invalid UTF-8"),    // overlong NUL
        InvalidCase(bytes: [0x22, 0xC1, 0xBF, 0x22], at: 1, "invalid UTF-8"),    // overlong 2-byte
        InvalidCase(bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], at: 1, "invalid UTF-8"),       // overlong '/'
        InvalidCase(bytes: [0x22, 0xE0, 0x9F, 0xBF, 0x22], at: 1, "invalid UTF-8"),       // overlong U+07FF
        InvalidCase(bytes: [0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], at: 1, "invalid UTF-8"), // overlong 4-byte
        InvalidCase(bytes: [0x22, 0xF0, 0x8F, 0xBF, 0xBF, 0x22], at: 1, "invalid UTF-8"), // overlong U+FFFF
        InvalidCase(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], at: 1, "invalid UTF-8"),       // U+D800 encoded
        InvalidCase(bytes: [0x22, 0xED, 0xBF, 0xBF, 0x22], at: 1, "invalid UTF-8"),       // U+DFFF encoded
        InvalidCase(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], at: 1, "invalid UTF-8"), // above U+10FFFF
        InvalidCase(bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], at: 1, "invalid UTF-8"),
        InvalidCase(bytes: [0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22], at: 1, "invalid UTF-8"),
        InvalidCase(bytes: [0x22, 0xFE, 0x22], at: 1, "invalid UTF-8"),
        InvalidCase(bytes: [0x22, 0xFF, 0x22], at: 1, "invalid UTF-8"),
        InvalidCase(bytes: [0x22, 0xC3, 0x22], at: 1, "invalid UTF-8"),          // truncated 2-byte
        InvalidCase(bytes: [0x22, 0xE2, 0x82, 0x22], at: 1, "invalid UTF-8"),    // truncated 3-byte
        InvalidCase(bytes: [0x22, 0xF0, 0x9F, 0x98, 0x22], at: 1, "invalid UTF-8"), // truncated 4-byte
        InvalidCase(bytes: [0x22, 0xC3], at: 1, "invalid UTF-8"),                // truncated at end of input
        InvalidCase(bytes: [0x22, 0xF0, 0x9F, 0x98], at: 1, "invalid UTF-8"),
        InvalidCase(bytes: [0x22, 0xC3, 0xC3, 0xA9, 0x22], at: 1, "invalid UTF-8"),
        InvalidCase(bytes: [0x22, 0x61, 0x5C, 0x6E, 0xE9, 0x22], at: 4, "invalid UTF-8"), // after an escape
        InvalidCase(bytes: [0x22, 0x5C, 0xFF, 0x22], at: 2, "invalid UTF-8"),             // as the escape
        InvalidCase(bytes: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], at: 2, "invalid UTF-8"), // in a key
        // Invalid UTF-8 outside strings.
        InvalidCase(bytes: [0xFF], at: 0, "invalid UTF-8"),
        InvalidCase(bytes: [0xC3, 0x28], at: 0, "invalid UTF-8"),
        InvalidCase(bytes: [0x5B, 0xC3, 0x28, 0x5D], at: 1, "invalid UTF-8"),
        InvalidCase(bytes: [0x31, 0x20, 0xC3], at: 2, "invalid UTF-8"),
        InvalidCase(bytes: [0x5B, 0x31, 0x80, 0x5D], at: 2, "invalid UTF-8"),
    ]

    // MARK: - Parsing tables

    @Test("The parser accepts every valid document and produces the expected value", arguments: validCases)
    func parserAcceptsValidDocument(_ c: ValidCase) throws {
        #expect(try JSONParser.parse(c.bytes) == c.expected)
    }

    @Test("The parser rejects every invalid document at the expected offset with the expected message",
          arguments: invalidCases)
    func parserRejectsInvalidDocument(_ c: InvalidCase) {
        #expect(throws: JSONError(offset: c.offset, message: c.message)) {
            try JSONParser.parse(c.bytes)
        }
    }

    @Test("The invalid table covers at least forty cases, including invalid UTF-8")
    func invalidTableIsLargeEnough() {
        #expect(Self.invalidCases.count >= 40)
        #expect(Self.invalidCases.filter { $0.message == "invalid UTF-8" }.count >= 20)
    }

    @Test("The byte array, raw buffer and String entry points agree", arguments: validCases)
    func entryPointsAgree(_ c: ValidCase) throws {
        let fromRaw = try c.bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> JSONValue in try JSONParser.parse(raw) }
        }.get()
        #expect(fromRaw == c.expected)
        #expect(try JSONParser.parse(String(decoding: c.bytes, as: UTF8.self)) == c.expected)
    }

    @Test("A raw buffer slice is parsed without reading past its end")
    func rawBufferSliceIsBounded() throws {
        let bytes = Array("[1,2]garbage".utf8)
        let value = try bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> JSONValue in
                try JSONParser.parse(UnsafeRawBufferPointer(rebasing: raw[0..<5]))
            }
        }.get()
        #expect(value == .array([.int(1), .int(2)]))
    }

    @Test("Integers that fit Int64 are ints and everything else numeric is a double")
    func numberKinds() throws {
        #expect(try JSONParser.parse("42").int64Value == 42)
        #expect(try JSONParser.parse("42.0") == .double(42))
        #expect(try JSONParser.parse("42.0").int64Value == nil)
        #expect(try JSONParser.parse("4.2e1") == .double(42))
        #expect(try JSONParser.parse("18446744073709551616") == .double(18446744073709551616.0))
    }

    /// A random literal in the RFC 8259 number grammar, short or long, so both the
    /// parser's fast path and its strtod fallback are exercised.
    static func randomNumberLiteral(using rng: inout SplitMix64) -> String {
        func digits(_ count: Int, _ rng: inout SplitMix64) -> String {
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
        }
        var text = Bool.random(using: &rng) ? "-" : ""
        text += Int.random(in: 0..<4, using: &rng) == 0
            ? "0" : String(Int.random(in: 1...9, using: &rng)) + digits(Int.random(in: 0...20, using: &rng), &rng)
        if Bool.random(using: &rng) { text += "." + digits(Int.random(in: 1...25, using: &rng), &rng) }
        if Bool.random(using: &rng) {
            text += ["e", "E", "e+", "e-", "E-"].randomElement(using: &rng) ?? "e"
            text += digits(Int.random(in: 1...3, using: &rng), &rng)
        }
        return text
    }

    @Test("Number literals parse to exactly the Double the standard library's correctly rounded conversion gives")
    func doublesMatchStandardLibrary() throws {
        var rng = SplitMix64(seed: 0xD0_0B1E)
        for _ in 0..<20_000 {
            let text = Self.randomNumberLiteral(using: &rng)
            let reference = try #require(Double(text))
            do throws(JSONError) {
                switch try JSONParser.parse(text) {
                case .int(let n):
                    #expect(Double(n) == reference && !text.contains(where: { ".eE".contains($0) }), "\(text)")
                case .double(let d): #expect(d.bitPattern == reference.bitPattern, "\(text)")
                default: Issue.record("\(text) is not a number")
                }
            } catch {
                #expect(error == JSONError(offset: 0, message: "number out of range") && !reference.isFinite, "\(text)")
            }
        }
    }

    @Test("The maxDepth parameter bounds arrays and objects together")
    func maxDepthIsConfigurable() throws {
        #expect(try JSONParser.parse("[{\"a\":[]}]", maxDepth: 3) == .array([.object(["a": .array([])])]))
        #expect(throws: JSONError(offset: 6, message: "nesting deeper than 2")) {
            try JSONParser.parse("[{\"a\":[]}]", maxDepth: 2)
        }
        #expect(throws: JSONError(offset: 0, message: "nesting deeper than 0")) {
            try JSONParser.parse("[]", maxDepth: 0)
        }
        #expect(try JSONParser.parse("1", maxDepth: 0) == .int(1))
        #expect(try JSONParser.parse(Self.nestedObjects(Limits.jsonDepthMax)) != .null)
        #expect(try JSONParser.parse(Self.nestedObjects(64), maxDepth: 64) != .null)
    }

    @Test("Keys that are canonically equivalent are duplicates, because Swift Strings compare them equal")
    func canonicallyEquivalentKeysAreDuplicates() {
        #expect(throws: JSONError(offset: 8, message: "duplicate key \"e\u{301}\"")) {
            try JSONParser.parse("{\"é\":1,\"e\u{301}\":2}")
        }
    }

    @Test("An error describes itself as its message at its byte offset")
    func errorDescription() {
        let error = JSONError(offset: 7, message: "duplicate key \"a\"")
        #expect(error.description == "duplicate key \"a\" at byte 7")
        #expect("\(error)" == "duplicate key \"a\" at byte 7")
    }

    @Test("Equal values hash equally, so values can key sets and dictionaries")
    func valuesAreHashable() throws {
        let parsed = try JSONParser.parse(#"{"b":[1,2.5,"x"],"a":{"c":null}}"#)
        let built = JSONValue.object(["a": .object(["c": .null]), "b": .array([.int(1), .double(2.5), .string("x")])])
        #expect(Set([parsed, built, .double(0), .double(-0.0), .int(0)]).count == 3)
    }

    @Test("The accessors return the payload of their own case and nil for every other case")
    func accessors() {
        let all: [JSONValue] = [
            .null, .bool(true), .int(3), .double(1.5), .string("s"), .array([.null]), .object(["k": .null]),
        ]
        #expect(all.compactMap(\.boolValue) == [true])
        #expect(all.compactMap(\.int64Value) == [3])
        #expect(all.compactMap(\.stringValue) == ["s"])
        #expect(all.compactMap(\.arrayValue) == [[.null]])
        #expect(all.compactMap(\.objectValue) == [["k": .null]])
        #expect(all.map(\.isScalar) == [true, true, true, true, true, false, false])
    }

    // MARK: - Writer

    @Test("Object keys are written in ascending order of their UTF-8 bytes")
    func writerSortsKeysByUTF8Bytes() {
        // U+FF5E sorts before U+1F600 in UTF-8 (EF < F0) but after it in UTF-16 (FF5E > D83D).
        let value = JSONValue.object([
            "b": .int(1), "a": .int(2), "A": .int(3), "é": .int(4), "z": .int(5),
            "aa": .int(6), "": .int(7), "😀": .int(8), "～": .int(9), "a\u{0}": .int(10),
        ])
        #expect(value.encodedString == #"{"":7,"A":3,"a":2,"a\u0000":10,"aa":6,"b":1,"z":5,"é":4,"～":9,"😀":8}"#)
    }

    @Test("The same object built in different insertion orders encodes to the same bytes")
    func writerIsIndependentOfInsertionOrder() {
        let keys = (0..<200).map { "key\($0 * 7919 % 1000)" }
        var forward: [String: JSONValue] = [:]
        var backward: [String: JSONValue] = [:]
        for (i, key) in keys.enumerated() { forward[key] = .int(Int64(i)) }
        for (i, key) in keys.enumerated().reversed() { backward[key] = .int(Int64(i)) }
        #expect(JSONValue.object(forward).encodedBytes == JSONValue.object(backward).encodedBytes)
    }

    @Test("Strings escape only quote, backslash and control characters, and write everything else raw")
    func writerEscapes() {
        let s = "\"\\\u{8}\u{C}\n\r\t\u{0}\u{1}\u{1F} \u{7F}/é😀\u{2028}"
        let expected = #""\"\\\b\f\n\r\t\u0000\u0001\u001f "# + "\u{7F}/é😀\u{2028}\""
        #expect(JSONValue.string(s).encodedString == expected)
        var writer = JSONWriter()
        writer.writeString(s)
        #expect(writer.bytes == Array(expected.utf8))
    }

    @Test("Numbers are written as decimal ints and shortest round-trip doubles", arguments: [
        (JSONValue.int(0), "0"), (.int(-1), "-1"), (.int(.max), "9223372036854775807"),
        (.int(.min), "-9223372036854775808"), (.double(1), "1.0"), (.double(0.1), "0.1"),
        (.double(-0.0), "-0.0"), (.double(1e300), "1e+300"), (.double(.leastNonzeroMagnitude), "5e-324"),
        (.double(.infinity), "null"), (.double(.nan), "null"),
    ])
    func writerNumbers(_ value: JSONValue, _ expected: String) {
        #expect(value.encodedString == expected)
    }

    @Test("Containers are written without whitespace")
    func writerContainers() {
        let value = JSONValue.array([.null, .bool(true), .bool(false), .array([]), .object([:]),
                                     .object(["k": .array([.int(1), .string("v")])])])
        #expect(value.encodedString == #"[null,true,false,[],{},{"k":[1,"v"]}]"#)
    }

    @Test("The primitive writer calls compose into a document")
    func writerPrimitivesCompose() throws {
        var writer = JSONWriter(capacity: 0)
        writer.writeRaw("{\"seq\":")
        writer.writeInt(5)
        writer.writeRaw(",\"ok\":")
        writer.writeBool(true)
        writer.writeRaw(",\"no\":")
        writer.writeBool(false)
        writer.writeRaw(",\"nil\":")
        writer.writeNull()
        writer.writeRaw(",\"raw\":")
        writer.writeRawBytes(Array("[1]".utf8))
        writer.writeRaw(",\"o\":")
        writer.writeObject(["y": .int(2), "x": .int(1)])
        writer.writeRaw(",\"s\":")
        writer.writeString("a\"b")
        writer.writeRaw("}")
        let text = #"{"seq":5,"ok":true,"no":false,"nil":null,"raw":[1],"o":{"x":1,"y":2},"s":"a\"b"}"#
        #expect(writer.bytes == Array(text.utf8))
        #expect(try JSONParser.parse(writer.bytes).objectValue?.count == 7)
    }

    // MARK: - Round trip

    /// Random values that stress the encoding: extreme numbers, escapes, every
    /// UTF-8 length, and nested containers.
    struct ValueGenerator {
        var rng: SplitMix64

        mutating func value(depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 0 ? 9 : 6), using: &rng) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &rng))
            case 2: return .int(int())
            case 3: return .double(double())
            case 4, 5: return .string(string())
            case 6: return .array((0..<Int.random(in: 0...5, using: &rng)).map { _ in value(depth: depth - 1) })
            default:
                let pairs = (0..<Int.random(in: 0...5, using: &rng)).map { _ in (string(), value(depth: depth - 1)) }
                return .object(Dictionary(pairs, uniquingKeysWith: { first, _ in first }))
            }
        }

        mutating func int() -> Int64 {
            let specials: [Int64] = [0, -1, 1, .max, .min, .max - 1, .min + 1]
            return Bool.random(using: &rng)
                ? specials.randomElement(using: &rng) ?? 0
                : Int64(bitPattern: rng.next()) >> Int64.random(in: 0..<64, using: &rng)
        }

        mutating func double() -> Double {
            let specials: [Double] = [
                0, -0.0, 1, 0.1, 1e300, -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 9007199254740994,
            ]
            if Bool.random(using: &rng) { return specials.randomElement(using: &rng) ?? 0 }
            while true {
                let d = Double(bitPattern: rng.next())
                if d.isFinite { return d }
            }
        }

        mutating func string() -> String {
            let pools: [ClosedRange<UInt32>] = [
                0x00...0x7F, 0x20...0x7E, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF,
            ]
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...20, using: &rng) {
                let pool = pools.randomElement(using: &rng) ?? pools[0]
                if let scalar = Unicode.Scalar(UInt32.random(in: pool, using: &rng)) { scalars.append(scalar) }
            }
            return String(scalars)
        }
    }

    @Test("Random values survive encode then parse unchanged, and re-encode to the same bytes")
    func roundTripProperty() throws {
        var generator = ValueGenerator(rng: SplitMix64(seed: 0x5EED_1234))
        for _ in 0..<3_000 {
            let value = generator.value(depth: 4)
            let bytes = value.encodedBytes
            let parsed = try JSONParser.parse(bytes)
            #expect(parsed == value, "\(value.encodedString)")
            #expect(parsed.encodedBytes == bytes)
        }
    }

    @Test("encodedString is the UTF-8 decoding of encodedBytes")
    func encodedStringMatchesBytes() {
        var generator = ValueGenerator(rng: SplitMix64(seed: 42))
        for _ in 0..<200 {
            let value = generator.value(depth: 3)
            #expect(Array(value.encodedString.utf8) == value.encodedBytes)
        }
    }

    // MARK: - Cross-check with Foundation

    /// Whether our value and JSONSerialization's object describe the same document.
    static func sameDocument(_ value: JSONValue, _ object: Any) -> Bool {
        switch value {
        case .null: return object is NSNull
        case .bool(let b): return (object as? NSNumber)?.boolValue == b
        case .int(let n): return (object as? NSNumber)?.int64Value == n
        case .double(let d):
            // Foundation hands long mantissas back as NSDecimalNumber, whose doubleValue
            // can be an ulp off; its decimal text is exact, so convert that instead.
            if let decimal = object as? NSDecimalNumber { return Double(decimal.stringValue) == d }
            return (object as? NSNumber)?.doubleValue == d
        case .string(let s): return (object as? String) == s
        case .array(let elements):
            guard let others = object as? [Any], others.count == elements.count else { return false }
            return zip(elements, others).allSatisfy { sameDocument($0, $1) }
        case .object(let members):
            guard let others = object as? [String: Any], others.count == members.count else { return false }
            return members.allSatisfy { key, member in others[key].map { sameDocument(member, $0) } ?? false }
        }
    }

    @Test("Parsing agrees with Foundation's JSONSerialization", arguments: [
        #"{"op":"link","relationshipTypeId":"rt_2hk9","personExternalId":"user_123","customObjectExternalId":"ord_998","attributes":{"channel":"web","n":3}}"#,
        #"[1,-2,3.5,-0.25,1e10,12345678901234,true,false,null,"x"]"#,
        #"{"nested":{"deeper":{"list":[[],[{}],[1,[2,[3]]]]}},"empty":""}"#,
        #"["\u00e9\ud83d\ude00\n\t\"\\\/","raw é😀中"]"#,
        #"{"a":{"b":"c"},"d":[{"e":1.5},{"f":"g"}],"h":-9223372036854775808}"#,
    ])
    func agreesWithFoundation(_ text: String) throws {
        let ours = try JSONParser.parse(text)
        let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(Self.sameDocument(ours, theirs))
        let reparsed = try JSONSerialization.jsonObject(with: Data(ours.encodedBytes), options: [.fragmentsAllowed])
        #expect(Self.sameDocument(ours, reparsed))
    }

    @Test("Foundation reads everything our writer produces for random values")
    func foundationReadsOurOutput() throws {
        var generator = ValueGenerator(rng: SplitMix64(seed: 7))
        for _ in 0..<300 {
            let value = generator.value(depth: 3)
            let object = try JSONSerialization.jsonObject(with: Data(value.encodedBytes), options: [.fragmentsAllowed])
            #expect(Self.sameDocument(value, object), "\(value.encodedString)")
        }
    }

    // MARK: - Robustness

    /// Random edits of valid documents, plus noise over JSON's own alphabet, so most
    /// inputs get deep into the parser before failing.
    static func mutatedInputs(count: Int) -> [[UInt8]] {
        var rng = SplitMix64(seed: 0xF022)
        var generator = ValueGenerator(rng: SplitMix64(seed: 0xBA5E))
        let alphabet = Array("{}[]:,\"\\ 0123456789-+.eEtrufalsn\u{1}\t".utf8)
            + [0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF]
        var inputs: [[UInt8]] = []
        for i in 0..<count {
            if i % 4 == 0 {
                let length = Int.random(in: 0...40, using: &rng)
                inputs.append((0..<length).map { _ in alphabet.randomElement(using: &rng) ?? 0 })
                continue
            }
            var bytes = generator.value(depth: 3).encodedBytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                mutate(&bytes, alphabet: alphabet, using: &rng)
            }
            inputs.append(bytes)
        }
        return inputs
    }

    static func mutate(_ bytes: inout [UInt8], alphabet: [UInt8], using rng: inout SplitMix64) {
        guard !bytes.isEmpty else { return bytes.append(alphabet.randomElement(using: &rng) ?? 0) }
        let i = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: bytes[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
        case 1: bytes[i] = alphabet.randomElement(using: &rng) ?? 0
        case 2: bytes.insert(alphabet.randomElement(using: &rng) ?? 0, at: i)
        case 3: bytes.remove(at: i)
        default: bytes.removeSubrange(i...)
        }
    }

    @Test("Twenty thousand random and mutated inputs only ever return a value or throw")
    func fuzzedInputsNeverCrash() throws {
        var accepted = 0
        for bytes in Self.mutatedInputs(count: 20_000) {
            let value: JSONValue
            do throws(JSONError) {
                value = try JSONParser.parse(bytes)
            } catch {
                #expect((0...bytes.count).contains(error.offset), "\(error) for \(Self.printable(bytes))")
                continue
            }
            accepted += 1
            // Whatever we accept we must be able to write and read back.
            #expect(try JSONParser.parse(value.encodedBytes) == value)
        }
        #expect(accepted > 100)
    }
}
