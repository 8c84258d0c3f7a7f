import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestSupport

/// Records through the CLI: define-type identifiers, `record set/show/find`,
/// `TYPE[FIELD=VALUE]` in link commands, `erase`, and upsertRecord lines in an import.
@Suite("ties record commands")
struct CLIRecordTests {
    static func shopWithPeople() throws -> (TestLedger, placed: String) {
        let ledger = try TestLedger.make()
        let (placed, _) = try ledger.defineShop()
        try ledger.succeed("define-type", "person", "--identifier", "email:unique", "--identifier", "city")
        try ledger.succeed("record", "set", "person:u1", "--field", "email=ada@example.com", "--field", "city=Oslo", "--field", "age=36")
        try ledger.succeed("record", "set", "person:u2", "--field", "email=bob@example.com", "--field", "city=Oslo")
        return (ledger, placed)
    }

    @Test func defineTypeTakesIdentifiersAndRequireRecords() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let defined = try ledger.succeedJSON("define-type", "person", "--identifier", "email:unique", "--require-records")
        #expect(defined["identifiers"] == .array([.object(["field": .string("email"), "unique": .bool(true)])]))
        #expect(defined["requireRecords"] == .bool(true) && defined["created"] == .bool(false))
        let again = try ledger.succeed("define-type", "person", "--identifier", "email:unique")
        #expect(again.stdout.contains("already defined as asked; nothing appended"), "\(again)")
        let off = try ledger.succeedJSON("define-type", "person", "--no-require-records")
        #expect(off["requireRecords"] == nil && off["seq"] == .int(2))
        let both = ledger.ties("define-type", "person", "--require-records", "--no-require-records")
        #expect(both.status == CLI.ExitCode.usage, "\(both)")
        let empty = ledger.ties("define-type", "person", "--identifier", ":unique")
        #expect(empty.status == CLI.ExitCode.usage, "\(empty)")
    }

    @Test func recordSetShowAndFind() throws {
        let (ledger, _) = try Self.shopWithPeople()
        defer { ledger.remove() }
        let shown = try ledger.succeedJSON("record", "show", "person:u1")
        #expect(shown["fields"] == .object(["email": .string("ada@example.com"), "city": .string("Oslo"), "age": .int(36)]))
        #expect(shown["since"] == .int(6))
        let unchanged = try ledger.succeed("record", "set", "person:u1", "--field", "age=36")
        #expect(unchanged.stdout.contains("already so; nothing appended"))
        try ledger.succeed("record", "set", "person:u1", "--field", "city=Bergen", "--unset", "age")
        let past = try ledger.succeedJSON("record", "show", "person:u1", "--as-of", "6")
        #expect(past["fields"]?["city"] == .string("Oslo") && past["fields"]?["age"] == .int(36))
        let text = try ledger.succeed("record", "show", "person:u1")
        #expect(text.stdout.contains("city = \"Bergen\"") && !text.stdout.contains("age"), "\(text)")
        let found = try ledger.succeedJSON("record", "find", "person", "city=Oslo")
        #expect(found["records"]?.arrayValue?.map { $0.objectValue?["record"] } == [.string("person:u2")])
        #expect(try ledger.succeedJSON("record", "find", "person", "email=nobody@x")["records"] == .array([]))
        let notIdentifier = ledger.ties("record", "find", "person", "age=36")
        #expect(notIdentifier.status == CLI.ExitCode.rejected && notIdentifier.stderr.contains("invalid_matching_field"), "\(notIdentifier)")
        let missing = ledger.ties("record", "show", "person:nobody")
        #expect(missing.status == CLI.ExitCode.rejected && missing.stderr.contains("record_not_found"), "\(missing)")
        let unknownType = ledger.ties("record", "show", "persn:u1")
        #expect(unknownType.status == CLI.ExitCode.rejected && unknownType.stderr.contains("unknown_object_type"), "\(unknownType)")
        for bad in [["record"], ["record", "show"], ["record", "list", "person:u1"], ["record", "find", "person", "city"], ["record", "set", "u1"]] {
            #expect(ledger.ties(bad).status == CLI.ExitCode.usage, "\(bad)")
        }
    }

    @Test func linkCommandsFindRecordsByIdentifier() throws {
        let (ledger, placed) = try Self.shopWithPeople()
        defer { ledger.remove() }
        let linked = try ledger.succeedJSON("link", "placed/order", "person[email=ada@example.com]", "order:o1")
        #expect(linked["from"] == .string("person:u1") && linked["relationshipTypeId"] == .string(placed))
        let history = try ledger.succeed("history", "person:u1")
        #expect(history.stdout.contains("(matched from by email)"), "\(history)")
        let ambiguous = ledger.ties("link", "placed/order", "person[city=Oslo]", "order:o2")
        #expect(ambiguous.status == CLI.ExitCode.rejected && ambiguous.stderr.contains("ambiguous_match"), "\(ambiguous)")
        let none = ledger.ties("link", "placed/order", "person[email=zed@x]", "order:o2")
        #expect(none.status == CLI.ExitCode.rejected && none.stderr.contains("target_record_not_found"), "\(none)")
        let wrongType = ledger.ties("link", "placed/order", "order[email=ada@example.com]", "order:o2")
        #expect(wrongType.status == CLI.ExitCode.usage, "\(wrongType)")
        try ledger.succeed("set-attr", "placed/order", "person[email=ada@example.com]", "order:o1", "--attr", "status=paid")
        try ledger.succeed("unlink", "placed/order", "person[email=ada@example.com]", "order:o1")
    }

    @Test func eraseNeedsAReasonAndLeavesOnlyErasedValues() throws {
        let (ledger, _) = try Self.shopWithPeople()
        defer { ledger.remove() }
        #expect(ledger.ties("erase", "person:u1").status == CLI.ExitCode.usage)
        let erased = try ledger.succeed("erase", "person:u1", "--reason", "GDPR request")
        #expect(erased.stdout.contains("erased the fields of person:u1"), "\(erased)")
        let shown = try ledger.succeedJSON("record", "show", "person:u1")
        #expect(shown["erased"] == .bool(true) && shown["fields"]?["email"] == FieldValue.erasedMarker)
        let again = try ledger.succeed("erase", "person:u1", "--reason", "twice")
        #expect(again.stdout.contains("already erased; nothing appended"))
        let refused = ledger.ties("record", "set", "person:u1", "--field", "email=new@x")
        #expect(refused.status == CLI.ExitCode.rejected && refused.stderr.contains("record_erased"), "\(refused)")
        let log = try String(contentsOfFile: ledger.logPath, encoding: .utf8)
        #expect(!log.contains("ada@example.com") && !log.contains("Oslo"))
        #expect(try ledger.succeed("verify").stdout.contains("ok"))
    }

    @Test func anImportCanUpsertRecordsAndMatchThemInTheSameFile() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let (placed, _) = try ledger.defineShop()
        try ledger.succeed("define-type", "person", "--identifier", "email:unique")
        let file = ledger.scratch.file("people.jsonl")
        try """
            {"op":"upsertRecord","objectType":"person","externalId":"u7","set":{"email":"eve@example.com"}}
            {"op":"link","relationshipTypeId":"\(placed)","personMatch":{"field":"email","value":"eve@example.com"},"customObjectExternalId":"o7"}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        try ledger.succeed("import", file, "--batch", "1")
        let links = try ledger.succeedJSON("show", "person:u7")
        #expect(links["relationships"]?.arrayValue?.count == 1, "\(links)")
    }
}
