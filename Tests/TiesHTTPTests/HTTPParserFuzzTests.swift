import Testing
@testable import TiesHTTP
import TiesTestExpectations
import TiesTestSupport

/// Random and mutated inputs, from a fixed seed so a failure replays. The
/// parser must only ever return or throw one of its statuses, whatever the
/// bytes and however they are split, and splitting must not change what
/// it finds.
struct HTTPParserFuzzTests {
    static let seeds: [[UInt8]] = [
        "GET /links?from=person%3A1 HTTP/1.1\r\nHost: ties.local\r\nAccept: */*\r\n\r\n",
        "POST /commits HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        "PUT /t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n0\r\nT: 1\r\n\r\n",
        "POST /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nDELETE /a/b HTTP/1.1\r\nHost: y\r\n\r\n",
        "\r\nPATCH /p HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nOPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n",
    ].map { Array($0.utf8) }

    static let fragments: [[UInt8]] = [
        "\r\n", "\r", "\n", " ", "\t", ":", ";", "0", "F", "%", "?", "/", ",", "\u{0}", "\u{7F}",
        "\r\n\r\n", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "Host: x\r\n", "Content-Length: ",
        "Content-Length: 3\r\n", "Transfer-Encoding: chunked\r\n", "Expect: 100-continue\r\n",
        "99999999999999999999", "FFFFFFFFFFFFFFFF", "0\r\n\r\n", "GET / HTTP/1.1\r\n", "é",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0x80, 0x80]]

    static let statuses: Set<Int> = [400, 413, 414, 431, 501, 505]
    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    static func randomInput(_ rng: inout SplitMix64) -> [UInt8] {
        if Int.random(in: 0..<4, using: &rng) == 0 {
            let alphabet = Array("GETPOST /?=&%:;,.-aZ09Fx\t \r\n".utf8)
            return (0..<Int.random(in: 0...300, using: &rng)).map { _ in
                Int.random(in: 0..<10, using: &rng) == 0
                    ? UInt8.random(in: 0...255, using: &rng)
                    : alphabet.randomElement(using: &rng) ?? 0
            }
        }
        var input = seeds.randomElement(using: &rng) ?? []
        for _ in 0..<Int.random(in: 1...4, using: &rng) { mutate(&input, &rng) }
        return input
    }

    static func mutate(_ input: inout [UInt8], _ rng: inout SplitMix64) {
        let position = Int.random(in: 0...input.count, using: &rng)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0 where position < input.count:
            input[position] = UInt8.random(in: 0...255, using: &rng)
        case 1:
            input.insert(contentsOf: fragments.randomElement(using: &rng) ?? [], at: position)
        case 2:
            let end = min(input.count, position + Int.random(in: 1...8, using: &rng))
            input.removeSubrange(position..<end)
        case 3:
            let end = min(input.count, position + Int.random(in: 1...40, using: &rng))
            input.insert(contentsOf: input[position..<end], at: position)
        case 4:
            input.removeSubrange(position...)
        default:
            input.append(contentsOf: seeds.randomElement(using: &rng) ?? [])
        }
    }

    /// What must hold of any outcome, however odd the input.
    static func checkInvariants(_ outcome: ParseOutcome, maxBodyBytes: Int) {
        if let error = outcome.error {
            #expect(statuses.contains(error.status), "\(error)")
        }
        for request in outcome.requests {
            #expect(methods.contains(request.method))
            #expect(request.path.hasPrefix("/"))
            #expect(request.body.count <= maxBodyBytes)
            #expect(request.headers.count <= HTTPLimits.headerFieldsMax)
        }
    }

    @Test("The inputs kept for the libFuzzer target (seeds and every crasher) keep the invariants, whole and split in two")
    func keptInputs() throws {
        try FuzzInputs.replay("http-request", atLeast: 5) { name, input in
            let whole = Wire.parse(input, maxBodyBytes: 4096)
            Self.checkInvariants(whole, maxBodyBytes: 4096)
            let split = input.isEmpty ? 0 : Int(input[0]) % (input.count + 1)
            let pieces = [split, input.count - split].filter { $0 > 0 }
            #expect(Wire.parse(input, pieces: pieces, maxBodyBytes: 4096).withoutContinues == whole.withoutContinues, "\(name)")
        }
    }

    @Test("Twenty thousand random and mutated inputs only ever return or throw, in any split")
    func randomInputsNeverCrashAndIgnoreSplits() {
        var rng = SplitMix64(seed: 0x7135_4775)
        var refused = 0
        var parsed = 0
        for _ in 0..<20_000 {
            let input = Self.randomInput(&rng)
            let maxBodyBytes = [4, 64, HTTPLimits.bodyBytesMax].randomElement(using: &rng) ?? 0
            let pieces = (0..<input.count).map { _ in Int.random(in: 1...32, using: &rng) }
            let whole = Wire.parse(input, maxBodyBytes: maxBodyBytes)
            let split = Wire.parse(input, pieces: pieces, maxBodyBytes: maxBodyBytes)
            Self.checkInvariants(whole, maxBodyBytes: maxBodyBytes)
            #expect(split.withoutContinues == whole.withoutContinues, "\(Wire.printable(input))")
            refused += whole.error == nil ? 0 : 1
            parsed += whole.requests.count
        }
        // Not vacuous: the generator reaches both outcomes often.
        #expect(refused > 2_000 && parsed > 2_000)
    }

    @Test("Mutated inputs give the same requests and error when fed one byte at a time")
    func mutatedInputsIgnoreByteByByteSplits() {
        var rng = SplitMix64(seed: 0xB17E_B17E)
        for _ in 0..<2_000 {
            let input = Self.randomInput(&rng)
            let whole = Wire.parse(input, maxBodyBytes: 64).withoutContinues
            #expect(Wire.parseByteByByte(input, maxBodyBytes: 64).withoutContinues == whole,
                    "\(Wire.printable(input))")
        }
    }
}
