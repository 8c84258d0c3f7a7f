import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestExpectations
import TiesTestSupport

/// `ties keys create --read-rate R/B --write-rate R/B`: a key's own rate
/// limits, stored with the key, shown by `keys list`, refused as a usage
/// error when they do not parse or are out of bounds.
@Suite("ties keys: rate limits")
struct CLIKeysRateTests {
    @Test("--read-rate and --write-rate are stored with the key and shown by create and list, in text and JSON")
    func ratesAreStoredAndShown() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let created = try ledger.succeedJSON("keys", "create", "--name", "crm-sync", "--role", "append", "--read-rate", "2/5", "--write-rate", "0.5/3")
        #expect(created["rateLimits"] == .object([
            "read": .object(["perSecond": .int(2), "burst": .int(5)]),
            "write": .object(["perSecond": .double(0.5), "burst": .int(3)]),
        ]), "\(created)")
        let text = try ledger.succeed("keys", "create", "--name", "reader", "--role", "read", "--read-rate", "2/5")
        #expect(text.stdoutLines.last == "(key 'reader', role read, read-rate 2/5; shown once: only its hash is stored)", "\(text)")
        try ledger.succeed("keys", "create", "--name", "plain", "--role", "read")

        let stored = try KeyStore(ledgerDirectory: ledger.directory).keys()
        let twoFive = RateLimit(perSecond: 2, burst: 5)
        #expect(stored.map(\.rateLimits) == [RateLimits(read: twoFive, write: RateLimit(perSecond: 0.5, burst: 3)), RateLimits(read: twoFive), RateLimits()])

        let list = try ledger.succeed("keys", "list")
        #expect(list.stdoutLines.count == 3, "\(list)")
        #expect(list.stdoutLines[0].hasSuffix("  read-rate 2/5  write-rate 0.5/3"), "\(list)")
        #expect(list.stdoutLines[1].hasSuffix("  read-rate 2/5"), "\(list)")
        #expect(!list.stdoutLines[2].contains("rate"), "\(list)")
        let listed = try ledger.succeedJSON("keys", "list")["keys"]?.arrayValue ?? []
        #expect(listed.map { $0["rateLimits"] } == [created["rateLimits"], .object(["read": .object(["perSecond": .int(2), "burst": .int(5)])]), nil],
                "\(listed)")
    }

    @Test("the bounds themselves are accepted", arguments: ["0.001/1", "1000000/1000000", "0.5/1", "1/1000000"])
    func boundsAreAccepted(rate: String) throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let created = try ledger.succeedJSON("keys", "create", "--name", "k", "--role", "append", "--write-rate", rate)
        #expect(created["rateLimits"]?["write"] != nil, "\(created)")
    }

    static let invalidRates = ["0/5", "5/0", "0.0009/1", "1000000.5/1", "1/1000001", "-1/5", "1/-5", "5", "5/", "/5", "5/10/2",
                               "1e3/5", "inf/5", "nan/5", "1/2.5", "abc", ""]

    @Test("an invalid rate is a usage error (exit 2) that says what a rate must be, and creates no key",
          arguments: invalidRates.flatMap { [("--read-rate", $0), ("--write-rate", $0)] })
    func invalidRateIsAUsageError(option: String, rate: String) throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let run = ledger.ties("keys", "create", "--name", "k", "--role", "append", option, rate)
        #expect(run.status == CLI.ExitCode.usage, "\(run)")
        #expect(run.stderr.contains("\(option) must be R/B") && run.stderr.contains("got '\(rate)'"), "\(run)")
        #expect(try KeyStore(ledgerDirectory: ledger.directory).keys().isEmpty)
    }
}
