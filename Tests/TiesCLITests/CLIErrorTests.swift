import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore

@Suite("ties exit codes and error reports, in-process")
struct CLIErrorTests {
    // MARK: Usage errors: exit 2

    @Test func anUnknownCommandIsAUsageErrorWithASuggestion() {
        let run = runCLI(["lnk", "placed/order", "a", "b"])
        #expect(run.status == CLI.ExitCode.usage, "\(run)")
        #expect(run.stderr.contains("unknown command 'lnk'"))
        #expect(run.stderr.contains("did you mean 'link'?"))
        #expect(run.stdout.isEmpty)

        let far = runCLI(["frobnicate"])
        #expect(far.status == CLI.ExitCode.usage, "\(far)")
        #expect(!far.stderr.contains("did you mean"))
    }

    @Test func anUnknownOptionIsAUsageErrorWithASuggestion() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        let run = ledger.ties("link", "placed/order", "person:ada", "order:o-1", "--atr", "x=1")
        #expect(run.status == CLI.ExitCode.usage, "\(run)")
        #expect(run.stderr.contains("unknown option --atr (did you mean --attr?)"))
        #expect(run.stderr.contains("usage: ties link TYPE FROM TO"))
        #expect(run.stderr.contains("Run `ties link --help` for details."))
        #expect(try ledger.open().headSeq == 4)
    }

    @Test(arguments: [
        (["link", "placed/order", "person:ada"], "missing TO"),
        (["unlink", "placed/order"], "missing FROM"),
        (["set-attr"], "missing TYPE"),
        (["show"], "missing RECORD"),
        (["history"], "missing RECORD"),
        (["define-type"], "missing NAME"),
        (["show", "person:ada", "person:bob"], "unexpected argument 'person:bob'"),
        (["show", "ada"], "RECORD must be TYPE:ID"),
        (["show", "person:"], "RECORD must be TYPE:ID"),
        (["show", "person:ada", "--as-of"], "--as-of needs a value"),
        (["show", "person:ada", "--as-of", "yesterday"], "--as-of must be a seq"),
        (["show", "person:ada", "--as-of", "2026-13-01T00:00:00Z"], "--as-of must be a seq"),
        (["show", "person:ada", "--as-of", "-3"], "--as-of must be a seq"),
        (["history", "person:ada", "--limit", "0"], "--limit must be a whole number from 1 to 1000"),
        (["history", "person:ada", "--limit", "ten"], "--limit must be a whole number"),
        (["history", "person:ada", "--limit", "1001"], "--limit must be a whole number"),
        (["log", "--from", "0"], "--from must be a whole number"),
        (["import", "ops.jsonl", "--batch", "0"], "--batch must be a whole number from 1 to 10000"),
        (["import", "ops.jsonl", "--batch", "10001"], "--batch must be a whole number from 1 to 10000"),
        (["log", "--poll-ms", "9"], "--poll-ms must be a whole number from 10 to 60000"),
        (["log", "--poll-ms", "60001"], "--poll-ms must be a whole number from 10 to 60000"),
        (["types", "--json=yes"], "--json takes no value"),
        (["show", "person:ada", "--as-of", "1", "--as-of", "2"], "--as-of was given more than once"),
        (["link", "a/b/c/d", "x", "y"], "TYPE must be an rt_ ID, role/objecttype or role/parent/child"),
        (["link", "placed", "x", "y"], "TYPE must be an rt_ ID"),
    ])
    func malformedCommandLinesAreUsageErrors(arguments: [String], message: String) throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let run = ledger.ties(arguments)
        #expect(run.status == CLI.ExitCode.usage, "\(run)")
        #expect(run.stderr.contains(message), "\(run)")
        #expect(run.stderr.contains("usage: ties \(arguments[0])"))
        #expect(run.stdout.isEmpty)
    }

    // MARK: Rejections by the ledger's rules: exit 1

    @Test func aLinkThatBreaksCardinalityIsRejectedNamingTheExistingLink() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1")

        let run = ledger.ties("link", "placed/order", "person:grace", "order:o-1")
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")
        #expect(run.stderr.hasPrefix("ties: error: cardinality_violation: "))
        #expect(run.stderr.contains("existing link person:ada → order:o-1"))
        #expect(run.stdout.isEmpty)

        let json = ledger.ties("link", "placed/order", "person:grace", "order:o-1", "--json")
        #expect(json.status == CLI.ExitCode.rejected, "\(json)")
        let error = try #require(try json.errorJSON()["error"])
        #expect(error["code"] == .string("cardinality_violation"))
        #expect(error["message"]?.stringValue?.contains("ONE_TO_MANY") == true)
        #expect(json.stdout.isEmpty)
        #expect(try ledger.open().headSeq == 5)
    }

    @Test func tighteningCardinalityOverExistingLinksIsRejected() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        try ledger.succeed("link", "contains/order/line_item", "order:o-1", "line_item:li-1")
        try ledger.succeed("link", "contains/order/line_item", "order:o-2", "line_item:li-1")
        let run = ledger.ties("register-type", "--kind", "co_to_co", "--role", "contains", "--parent", "order", "--child", "line_item",
                              "--cardinality", "ONE_TO_MANY", "--json")
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")
        #expect(try run.errorJSON()["error"]?["code"] == .string("cardinality_violation"))
    }

    @Test func unlinkingALinkThatDoesNotExistIsRejected() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let (placed, _) = try ledger.defineShop()
        let run = ledger.ties("unlink", placed, "person:ada", "order:o-1", "--json")
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")
        let error = try #require(try run.errorJSON()["error"])
        #expect(error["code"] == .string("relationship_not_found"))
        #expect(error["relationship"]?["from"] == .string("person:ada"))
        #expect(error["relationship"]?["to"] == .string("order:o-1"))
    }

    @Test func anUnknownObjectTypeIsRejectedWithSuggestions() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.succeed("define-type", "order")

        let text = ledger.ties("register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "Ordr")
        #expect(text.status == CLI.ExitCode.rejected, "\(text)")
        #expect(text.stderr.hasPrefix("ties: error: unknown_object_type: "))
        #expect(text.stderr.contains("did you mean 'order'?"))

        let json = ledger.ties("register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "ordr", "--json")
        #expect(json.status == CLI.ExitCode.rejected, "\(json)")
        let error = try #require(try json.errorJSON()["error"])
        #expect(error["code"] == .string("unknown_object_type"))
        #expect(error["suggestions"] == .array([.string("order")]))
        #expect(error["name"] == .string("ordr"))
        #expect(try ledger.open().headSeq == 1)
    }

    @Test(arguments: [["show", "ordr:o-1"], ["show", "ordr:o-1", "--as-of", "1"], ["history", "ordr:o-1"]])
    func aQueryOfAnUndefinedObjectTypeIsRejectedWithSuggestionsNotAnEmptyAnswer(arguments: [String]) throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.succeed("define-type", "order")

        let text = ledger.ties(arguments)
        #expect(text.status == CLI.ExitCode.rejected, "\(text)")
        #expect(text.stderr.hasPrefix("ties: error: unknown_object_type: object type 'ordr' is not defined; did you mean 'order'?"), "\(text)")
        #expect(text.stdout.isEmpty)
        let json = ledger.ties(arguments + ["--json"])
        #expect(json.status == CLI.ExitCode.rejected, "\(json)")
        let error = try #require(try json.errorJSON()["error"])
        #expect(error["code"] == .string("unknown_object_type"))
        #expect(error["suggestions"] == .array([.string("order")]))
        #expect(error["name"] == .string("ordr"))
    }

    @Test func personIsAlwaysAKnownTypeAndIsSuggestedForATypo() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        #expect(try ledger.succeed("show", "person:ada").stdout.contains("(no relationships)"))
        let typo = ledger.ties("history", "persn:ada", "--json")
        #expect(typo.status == CLI.ExitCode.rejected, "\(typo)")
        #expect(try typo.errorJSON()["error"]?["suggestions"] == .array([.string("person")]))
    }

    @Test func linkingThroughAnUnregisteredTypeIsRejected() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        for type in ["bought/order", "rt_doesnotexist", "contains/line_item/order"] {
            let run = ledger.ties("link", type, "a", "b", "--json")
            #expect(run.status == CLI.ExitCode.rejected, "\(run)")
            #expect(try run.errorJSON()["error"]?["code"] == .string("unknown_relationship_type"))
        }
    }

    @Test func anInvalidFieldIsRejected() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        let longID = String(repeating: "x", count: 256)
        let run = ledger.ties("link", "placed/order", "person:ada", "order:" + longID, "--json")
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")
        #expect(try run.errorJSON()["error"]?["code"] == .string("invalid_field"))
    }

    // MARK: The ledger cannot be read: exit 3

    @Test(arguments: [["types"], ["show", "person:ada"], ["history", "person:ada"], ["log"], ["stats"],
                      ["define-type", "order"], ["link", "placed/order", "a", "b"]])
    func aMissingLedgerIsExitThree(arguments: [String]) throws {
        let ledger = try TestLedger.make(initialized: false)
        defer { ledger.remove() }
        let text = ledger.ties(arguments)
        #expect(text.status == CLI.ExitCode.damaged, "\(text)")
        #expect(text.stderr.contains("ledger_not_found"))
        #expect(text.stderr.contains(ledger.directory))

        let json = ledger.ties(arguments + ["--json"])
        #expect(json.status == CLI.ExitCode.damaged, "\(json)")
        let error = try #require(try json.errorJSON()["error"])
        #expect(error["code"] == .string("ledger_not_found"))
        #expect(error["path"] == .string(ledger.directory))
    }

    /// Six commits; flips one byte in the middle of the third line.
    /// Returns that line's byte offset and first seq.
    private func damageTheThirdCommit(_ ledger: TestLedger) throws -> (offset: Int, seq: Int64) {
        _ = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1")
        try ledger.succeed("link", "placed/order", "person:bob", "order:o-2")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ledger.logPath)))
        let newlines = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }
        try #require(newlines.count == 6)
        let start = newlines[1] + 1
        let end = newlines[2]
        let middle = (start + end) / 2
        bytes[middle] ^= 0x01
        try #require(bytes[middle] != UInt8(ascii: "\n"))
        try Data(bytes).write(to: URL(fileURLWithPath: ledger.logPath))
        return (start, 3)
    }

    @Test func aLogDamagedInTheMiddleRefusesToOpenNamingSeqAndOffset() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let damage = try damageTheThirdCommit(ledger)
        for file in ledger.projectionFiles where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.removeItem(atPath: file)
        }

        let text = ledger.ties("stats")
        #expect(text.status == CLI.ExitCode.damaged, "\(text)")
        #expect(text.stderr.contains("ledger_damaged"))
        #expect(text.stderr.contains("byte offset \(damage.offset)"))
        #expect(text.stderr.contains("seq \(damage.seq)"))
        #expect(text.stdout.isEmpty)

        let json = ledger.ties("show", "person:ada", "--json")
        #expect(json.status == CLI.ExitCode.damaged, "\(json)")
        // After the warning that the projection is missing (the open was
        // rebuilding it from the log when it met the damage): the error.
        #expect(json.stderr.hasPrefix("ties: warning: the projection"), "\(json)")
        let error = try #require(try JSONParser.parse(String(json.stderr.split(separator: "\n").last ?? ""))["error"])
        #expect(error["code"] == .string("ledger_damaged"))
        #expect(error["offset"] == .int(Int64(damage.offset)))
        #expect(error["seq"] == .int(damage.seq))

        // Nothing was cut off or rewritten: damage is not a torn tail.
        let newlines = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ledger.logPath))).filter { $0 == UInt8(ascii: "\n") }
        #expect(newlines.count == 6)
        let writes = ledger.ties("define-type", "thing")
        #expect(writes.status == CLI.ExitCode.damaged, "\(writes)")
    }

    @Test func readingTheLogPastDamageStopsWithExitThree() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let damage = try damageTheThirdCommit(ledger)
        let run = ledger.ties("log")
        #expect(run.status == CLI.ExitCode.damaged, "\(run)")
        #expect(run.stdoutLines.count == 2)
        #expect(run.stderr.contains("byte offset \(damage.offset)"))
        #expect(run.stderr.contains("seq \(damage.seq)"))
    }

    @Test func aLogWhoseTailWasReplacedIsRefusedRatherThanTrusted() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: ledger.logPath))
        try handle.truncate(atOffset: 0)
        try handle.close()
        let run = ledger.ties("types")
        #expect(run.status == CLI.ExitCode.damaged, "\(run)")
        #expect(run.stderr.contains("ledger_damaged"))
    }
}
