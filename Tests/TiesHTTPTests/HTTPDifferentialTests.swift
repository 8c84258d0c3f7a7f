import Foundation
import Testing
@testable import TiesHTTP
import TiesTestSupport

/// Ties's request parser against h11, a strict reference HTTP/1.1 parser,
/// on 2,600 generated requests: smuggling (CL+TE, duplicate or signed
/// Content-Length, chunk-size tricks), obs-fold, bare CR and LF, NUL,
/// over-long lines, absolute-form, pipelining, bad methods and versions,
/// non-ASCII, and mutations of all of them. h11's verdicts are recorded in
/// Tests/Differential/h11-verdicts.jsonl by Tests/Differential/h11_verdicts.py.
///
/// What must hold: every request Ties reads, h11 reads too, identically
/// (method, target, body) and in the same place, so no byte stream means
/// one thing to Ties and another to a proxy built like h11. Ties may be
/// stricter: refuse what h11 reads. Two things the RFCs tell a recipient
/// to accept and h11 refuses outright (so a proxy like it never forwards
/// them) Ties accepts: an empty line before a request line (RFC 9112
/// §2.2) and whitespace before a chunk extension's `;` (BWS, RFC 9110
/// §5.6.3).
@Suite struct HTTPDifferentialTests {
    struct Verdict {
        var requests: [[String]]
        var error: Bool
    }

    struct Case {
        var id: Int
        var category: String
        var input: [UInt8]
        var h11: Verdict
    }

    static func cases() throws -> [Case] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Differential/h11-verdicts.jsonl").standardized.path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let h11 = try #require(object["h11"] as? [String: Any])
            let requests = try #require(h11["requests"] as? [[String: String]]).map { request in
                [request["method"] ?? "", request["target"] ?? "", request["body"] ?? ""]
            }
            let encoded = try #require(object["input"] as? String)
            let input = try #require(Data(base64Encoded: encoded))
            return Case(id: try #require(object["id"] as? Int), category: try #require(object["category"] as? String),
                        input: [UInt8](input), h11: Verdict(requests: requests, error: try #require(h11["error"] as? Bool)))
        }
    }

    static func ours(_ input: [UInt8]) -> Verdict {
        let outcome = Wire.parse(input)
        return Verdict(requests: outcome.requests.map { [$0.method, $0.target, Data($0.body).base64EncodedString()] },
                       error: outcome.error != nil)
    }

    /// An empty line right before a request line, or whitespace between a
    /// chunk size and `;`.
    static func hasWhatTheRFCsTolerate(_ input: [UInt8]) -> Bool {
        let text = String(decoding: input, as: UTF8.self)
        return text.hasPrefix("\r\n") || text.contains("\r\n\r\n\r\n")
            || text.range(of: "[0-9A-Fa-f][ \t]+;", options: .regularExpression) != nil
    }

    @Test("every request Ties reads, h11 reads identically; where they differ, Ties refused")
    func agreesWithH11OrIsStricter() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 2_000)
        var stricter: [String: Int] = [:]
        var agreed = 0
        var rfcTolerated = 0
        for testCase in cases {
            let ours = Self.ours(testCase.input)
            let label = "case \(testCase.id) (\(testCase.category)): \(Wire.printable(testCase.input).prefix(300))"
            let common = min(ours.requests.count, testCase.h11.requests.count)
            #expect(Array(ours.requests.prefix(common)) == Array(testCase.h11.requests.prefix(common)), "Ties read a request differently: \(label)")
            if ours.requests.count > testCase.h11.requests.count {
                let tolerated = testCase.h11.error && Self.hasWhatTheRFCsTolerate(testCase.input)
                #expect(tolerated, "Ties read a request h11 did not: \(label)")
                rfcTolerated += 1
                continue
            }
            if ["valid", "pipelined"].contains(testCase.category) && !testCase.h11.error {
                #expect(ours.requests == testCase.h11.requests && !ours.error, "an ordinary request read differently: \(label)")
            }
            if ours.requests.count < testCase.h11.requests.count {
                #expect(ours.error, "Ties waits for more bytes where h11 read a whole request: \(label)")
                stricter[testCase.category, default: 0] += 1
            } else {
                agreed += 1
            }
        }
        print("h11 differential: \(cases.count) cases, \(agreed) read alike, \(rfcTolerated) accepted as the RFCs ask where h11 refuses, "
              + "stricter by category: \(stricter.sorted { $0.key < $1.key })")
        #expect(rfcTolerated <= 10, "the tolerated differences are rare corners, not a habit")
        // Not vacuous: of the inputs h11 reads a request from, Ties reads nearly all alike.
        let read = cases.filter { !$0.h11.requests.isEmpty }.count
        #expect(read >= 800 && stricter.values.reduce(0, +) * 2 < read, "\(read) inputs h11 reads a request from")
    }
}
