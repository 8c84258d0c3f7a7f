import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestExpectations
import TiesTestSupport

@Suite("ties write commands, in-process")
struct CLIWriteCommandTests {
    @Test func initCreatesAnEmptyLedgerAndASecondInitIsRefused() throws {
        let ledger = try TestLedger.make(initialized: false)
        defer { ledger.remove() }

        let first = ledger.ties("init")
        #expect(first.status == CLI.ExitCode.ok, "\(first)")
        #expect(first.stdout.contains("created an empty ledger at \(ledger.directory)"))
        #expect(FileManager.default.fileExists(atPath: ledger.logPath))
        #expect(try ledger.open().headSeq == 0)

        let second = ledger.ties("init")
        #expect(second.status == CLI.ExitCode.rejected, "\(second)")
        #expect(second.stderr.contains("ledger_exists"))
        #expect(second.stdout.isEmpty)

        let secondJSON = ledger.ties("init", "--json")
        #expect(try secondJSON.errorJSON()["error"]?["code"] == .string("ledger_exists"))
    }

    @Test func initWithJSONPrintsTheLedgerAndLogPaths() throws {
        let ledger = try TestLedger.make(initialized: false)
        defer { ledger.remove() }
        let json = try ledger.succeedJSON("init")
        #expect(json["ledger"] == .string(ledger.directory))
        #expect(json["log"] == .string(ledger.logPath))
    }

    @Test func theLedgerEnvironmentVariableNamesTheLedgerWhenNoOptionDoes() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.cleanUp() }
        let directory = scratch.file("from-env")
        let environment = ["TIES_LEDGER": directory, "TMPDIR": scratch.path]

        let created = runCLI(["init"], environment: environment)
        #expect(created.status == CLI.ExitCode.ok, "\(created)")
        #expect(created.stdout.contains(directory))
        let defined = runCLI(["define-type", "order"], environment: environment)
        #expect(defined.status == CLI.ExitCode.ok, "\(defined)")

        let viaOption = runCLI(["types", "--json", "--ledger", directory], environment: [:])
        #expect(try viaOption.json()["objectTypes"]?[0]?["name"] == .string("order"))

        // --ledger wins over $TIES_LEDGER.
        let elsewhere = runCLI(["types", "--json", "--ledger", directory], environment: ["TIES_LEDGER": scratch.file("missing")])
        #expect(elsewhere.status == CLI.ExitCode.ok, "\(elsewhere)")
    }

    @Test func defineTypeReportsCreatedThenUnchangedThenAnUpdatedDescription() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }

        let created = try ledger.succeedJSON("define-type", "order")
        #expect(created["name"] == .string("order"))
        #expect(created["created"] == .bool(true))
        #expect(created["seq"] == .int(1))

        let again = try ledger.succeed("define-type", "order")
        #expect(again.stdout.contains("already defined as asked; nothing appended"))
        let againJSON = try ledger.succeedJSON("define-type", "order")
        #expect(againJSON["created"] == .bool(false))
        #expect(againJSON["seq"] == .null)

        let described = try ledger.succeed("define-type", "order", "--description", "A purchase")
        #expect(described.stdout.contains("updated object type 'order' (seq 2)"))
        #expect(try ledger.open().headSeq == 2)
        let types = try ledger.succeedJSON("types")
        #expect(types["objectTypes"]?[0]?["description"] == .string("A purchase"))
    }

    @Test func registerTypePrintsTheTypeWithItsIDAndWhetherItWasCreated() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.succeed("define-type", "order")

        let created = try ledger.succeedJSON("register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order",
                                             "--cardinality", "ONE_TO_MANY", "--bidirectional")
        let id = try #require(created["relationshipTypeId"]?.stringValue)
        #expect(id.hasPrefix("rt_"))
        #expect(created["created"] == .bool(true))
        #expect(created["kind"] == .string("person_to_co"))
        #expect(created["role"] == .string("placed"))
        #expect(created["customObjectType"] == .string("order"))
        #expect(created["cardinality"] == .string("ONE_TO_MANY"))
        #expect(created["bidirectional"] == .bool(true))
        #expect(created["description"] == .null)
        #expect(created["seq"] == .int(2))
        #expect(created["parentCustomObjectType"] == nil)

        let unchanged = try ledger.succeedJSON("register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order")
        #expect(unchanged["relationshipTypeId"] == .string(id))
        #expect(unchanged["created"] == .bool(false))
        #expect(unchanged["seq"] == .null)
        // Omitted optional fields are preserved by the upsert.
        #expect(unchanged["cardinality"] == .string("ONE_TO_MANY"))
        #expect(unchanged["bidirectional"] == .bool(true))

        let refined = try ledger.succeed("register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order",
                                         "--description", "who bought it")
        #expect(refined.stdout.hasPrefix(id))
        #expect(refined.stdout.contains("updated, seq 3"))
        #expect(try ledger.open().headSeq == 3)
    }

    @Test func registerTypeTakesAnInverseRoleAsAnUpsertThatKeepsItWhenOmitted() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.succeed("define-type", "order")
        let register = ["register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order"]

        let created = try ledger.succeedJSON(register + ["--inverse-role", "placed_by"])
        let id = try #require(created["relationshipTypeId"]?.stringValue)
        #expect(created["created"] == .bool(true))
        #expect(created["inverseRole"] == .string("placed_by"))
        #expect(try ledger.logLines().last?.contains(#""role":"placed","customObjectType":"order","inverseRole":"placed_by","bidirectional":false"#) == true)

        let unchanged = try ledger.succeed(register + ["--inverse-role", "placed_by"])
        #expect(unchanged.stdout.contains("unchanged; nothing appended"), "\(unchanged)")
        let omitted = try ledger.succeedJSON(register + ["--description", "who bought it"])
        #expect(omitted["inverseRole"] == .string("placed_by"))
        #expect(try ledger.logLines().last?.contains(#""relationshipType.updated","relationshipTypeId":"\#(id)","description":"who bought it"}"#) == true)

        let renamed = try ledger.succeed(register + ["--inverse-role", "bought_by"])
        #expect(renamed.stdout.contains("inverse bought_by"), "\(renamed)")
        #expect(renamed.stdout.contains("updated, seq 4"))
        #expect(try ledger.logLines().last?.contains(#""relationshipType.updated","relationshipTypeId":"\#(id)","inverseRole":"bought_by"}"#) == true)
        #expect(try ledger.succeed("types").stdout.contains("\(id)  person_to_co placed/order  person → order  inverse bought_by  — who bought it"))
        #expect(try ledger.succeedJSON("types")["relationshipTypes"]?[0]?["inverseRole"] == .string("bought_by"))

        let tooLong = ledger.ties(register + ["--inverse-role", String(repeating: "x", count: 256), "--json"])
        #expect(tooLong.status == CLI.ExitCode.rejected, "\(tooLong)")
        #expect(try tooLong.errorJSON()["error"]?["field"] == .string("inverseRole"))
    }

    @Test func registerTypeOfKindCoToCoNamesParentAndChild() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.succeed("define-type", "order")
        try ledger.succeed("define-type", "line_item")

        let json = try ledger.succeedJSON("register-type", "--kind", "co_to_co", "--role", "contains", "--parent", "order",
                                          "--child", "line_item", "--cardinality", "one_to_many")
        #expect(json["kind"] == .string("co_to_co"))
        #expect(json["parentCustomObjectType"] == .string("order"))
        #expect(json["childCustomObjectType"] == .string("line_item"))
        #expect(json["customObjectType"] == nil)
        #expect(json["cardinality"] == .string("ONE_TO_MANY"))
        #expect(json["bidirectional"] == .bool(false))
        #expect(json["created"] == .bool(true))
    }

    @Test(arguments: [
        ["--role", "placed", "--object-type", "order"],
        ["--kind", "person_to_many", "--role", "placed", "--object-type", "order"],
        ["--kind", "person_to_co", "--object-type", "order"],
        ["--kind", "person_to_co", "--role", "placed", "--parent", "order"],
        ["--kind", "co_to_co", "--role", "contains", "--parent", "order"],
        ["--kind", "co_to_co", "--role", "contains", "--parent", "order", "--child", "order", "--object-type", "order"],
        ["--kind", "person_to_co", "--role", "placed", "--object-type", "order", "--bidirectional", "--no-bidirectional"],
    ])
    func registerTypeWithIncompleteOrContradictoryOptionsIsAUsageError(options: [String]) throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.succeed("define-type", "order")
        let run = ledger.ties(["register-type"] + options)
        #expect(run.status == CLI.ExitCode.usage, "\(run)")
        #expect(run.stderr.contains("usage: ties register-type"))
        #expect(try ledger.open().headSeq == 1)
    }

    @Test func registerTypeWithAnUnknownCardinalityIsRejected() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.succeed("define-type", "order")
        let run = ledger.ties("register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order",
                              "--cardinality", "SOME_TO_SOME", "--json")
        #expect(run.status == CLI.ExitCode.rejected, "\(run)")
        #expect(try run.errorJSON()["error"]?["code"] == .string("invalid_cardinality"))
    }

    @Test func typesListsObjectAndRelationshipTypes() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }

        let empty = try ledger.succeed("types")
        #expect(empty.stdout == "object types:\n  (none)\nrelationship types:\n  (none)\n")

        let (placed, contains) = try ledger.defineShop()
        let text = try ledger.succeed("types").stdout
        #expect(text.contains("  order  — A purchase"))
        #expect(text.contains("  line_item"))
        #expect(text.contains("\(placed)  person_to_co placed/order  person → order  ONE_TO_MANY  bidirectional"))
        #expect(text.contains("\(contains)  co_to_co contains/order/line_item  order → line_item"))

        let json = try ledger.succeedJSON("types")
        #expect(json["objectTypes"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["line_item", "order"])
        let ids = json["relationshipTypes"]?.arrayValue?.compactMap { $0["relationshipTypeId"]?.stringValue } ?? []
        #expect(Set(ids) == [placed, contains])
    }

    @Test func linkAcceptsEveryFormOfTypeAndRecordArgument() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let (placed, contains) = try ledger.defineShop()

        let byID = try ledger.succeedJSON("link", placed, "person:ada", "order:o-1")
        #expect(byID["created"] == .bool(true))
        #expect(byID["relationshipTypeId"] == .string(placed))
        #expect(byID["from"] == .string("person:ada"))
        #expect(byID["to"] == .string("order:o-1"))
        #expect(byID["seq"] == .int(5))

        let byKeyWithBareIDs = try ledger.succeedJSON("link", "placed/order", "ada", "o-2")
        #expect(byKeyWithBareIDs["from"] == .string("person:ada"))
        #expect(byKeyWithBareIDs["to"] == .string("order:o-2"))
        #expect(byKeyWithBareIDs["relationshipTypeId"] == .string(placed))

        let coToCo = try ledger.succeedJSON("link", "contains/order/line_item", "order:o-1", "line_item:li-1")
        #expect(coToCo["relationshipTypeId"] == .string(contains))
        #expect(coToCo["from"] == .string("order:o-1"))
        #expect(coToCo["to"] == .string("line_item:li-1"))

        let coToCoByID = try ledger.succeed("link", contains, "o-1", "li-2")
        #expect(coToCoByID.stdout == "linked order:o-1 → line_item:li-2 in \(contains) (seq 8)\n")

        let order = try ledger.succeedJSON("show", "order:o-1")
        let others = order["relationships"]?.arrayValue?.map { "\($0["direction"]?.stringValue ?? "?") \($0["from"]?.stringValue ?? "?") \($0["to"]?.stringValue ?? "?")" }
        #expect(others == ["forward order:o-1 line_item:li-1", "forward order:o-1 line_item:li-2", "inverse person:ada order:o-1"])
    }

    @Test func recordIDsMayContainColonsAndAreSplitOnTheFirstOne() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let (placed, _) = try ledger.defineShop()

        let link = try ledger.succeedJSON("link", "placed/order", "person:ada", "order:eu:17")
        #expect(link["to"] == .string("order:eu:17"))
        // A bare ID whose prefix is not a known type is the ID itself.
        let bare = try ledger.succeedJSON("link", "placed/order", "person:bob", "eu:18")
        #expect(bare["to"] == .string("order:eu:18"))

        let show = try ledger.succeedJSON("show", "order:eu:17")
        #expect(show["record"] == .string("order:eu:17"))
        #expect(show["relationships"]?[0]?["from"] == .string("person:ada"))
        #expect(show["relationships"]?[0]?["direction"] == .string("inverse"))

        let ledgerView = try ledger.open()
        let views = try ledgerView.relationships(of: RecordRef(type: "order", id: "eu:17"))
        #expect(views.links.map(\.to) == [RecordRef(type: "order", id: "eu:17")])
        #expect(views.links.map(\.type.id) == [placed])
    }

    @Test func aRecordOfTheWrongKnownTypeIsAUsageError() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        let run = ledger.ties("link", "placed/order", "order:o-1", "order:o-2")
        #expect(run.status == CLI.ExitCode.usage, "\(run)")
        #expect(run.stderr.contains("FROM is a 'order' record"))
        #expect(try ledger.open().headSeq == 4)
    }

    @Test(arguments: [
        ("n=3", JSONValue.int(3)),
        ("flag=true", .bool(true)),
        ("off=false", .bool(false)),
        ("word=text", .string("text")),
        ("code=\"007\"", .string("007")),
        ("zip=007", .string("007")),
        ("missing=null", .null),
        ("ratio=1.5", .double(1.5)),
        ("phrase=hello world", .string("hello world")),
        ("formula=a=b", .string("a=b")),
        ("list=[1,2]", .string("[1,2]")),
    ])
    func attributeValuesAreJSONScalarsOrPlainText(argument: String, expected: JSONValue) throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1", "--attr", argument)
        let key = String(argument.prefix { $0 != "=" })
        let show = try ledger.succeedJSON("show", "person:ada")
        #expect(show["relationships"]?[0]?["attributes"] == .object([key: expected]))
    }

    @Test(arguments: ["=3", "novalue"])
    func anAttributeWithoutAKeyIsAUsageError(argument: String) throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        let run = ledger.ties("link", "placed/order", "person:ada", "order:o-1", "--attr", argument)
        #expect(run.status == CLI.ExitCode.usage, "\(run)")
        #expect(run.stderr.contains("--attr must be KEY=VALUE"))
    }

    @Test func relinkingWithSameAttributesAppendsNothingAndNewValuesAreRecorded() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1", "--attr", "channel=web")

        let same = try ledger.succeed("link", "placed/order", "person:ada", "order:o-1", "--attr", "channel=web")
        #expect(same.stdout == "already linked with these attributes; nothing appended\n")
        let sameJSON = try ledger.succeedJSON("link", "placed/order", "person:ada", "order:o-1")
        #expect(sameJSON["created"] == .bool(false))
        #expect(sameJSON["seq"] == .null)
        #expect(try ledger.open().headSeq == 5)

        let changed = try ledger.succeed("link", "placed/order", "person:ada", "order:o-1", "--attr", "channel=phone")
        #expect(changed.stdout == "already linked; attributes updated (seq 6)\n")
    }

    @Test func unlinkRemovesTheLinkAndUnlinkingAgainIsRejected() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let (placed, _) = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1")

        let unlinked = try ledger.succeedJSON("unlink", placed, "ada", "order:o-1", "--reason", "cancelled")
        #expect(unlinked["from"] == .string("person:ada"))
        #expect(unlinked["to"] == .string("order:o-1"))
        #expect(unlinked["relationshipTypeId"] == .string(placed))
        #expect(unlinked["seq"] == .int(6))
        #expect(try ledger.succeedJSON("show", "person:ada")["relationships"] == .array([]))

        let again = ledger.ties("unlink", "placed/order", "person:ada", "order:o-1")
        #expect(again.status == CLI.ExitCode.rejected, "\(again)")
        #expect(again.stderr.contains("relationship_not_found"))
        #expect(again.stderr.contains("person:ada → order:o-1"))
    }

    @Test func setAttrSetsAndUnsetsAndReportsWhenNothingChanges() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        try ledger.succeed("link", "contains/order/line_item", "order:o-1", "line_item:li-1", "--attr", "qty=2", "--attr", "gift=true")

        let changed = try ledger.succeedJSON("set-attr", "contains/order/line_item", "o-1", "li-1", "--attr", "qty=3", "--unset", "gift")
        #expect(changed["changed"] == .bool(true))
        #expect(changed["seq"] == .int(6))
        let show = try ledger.succeedJSON("show", "order:o-1")
        #expect(show["relationships"]?[0]?["attributes"] == .object(["qty": .int(3)]))
        #expect(show["relationships"]?[0]?["versionSeq"] == .int(6))
        #expect(show["relationships"]?[0]?["linkedSeq"] == .int(5))

        let unchanged = try ledger.succeed("set-attr", "contains/order/line_item", "o-1", "li-1", "--attr", "qty=3", "--unset", "gift")
        #expect(unchanged.stdout == "attributes already so; nothing appended\n")
        #expect(try ledger.open().headSeq == 6)

        let nothing = ledger.ties("set-attr", "contains/order/line_item", "o-1", "li-1")
        #expect(nothing.status == CLI.ExitCode.usage, "\(nothing)")

        let missing = ledger.ties("set-attr", "contains/order/line_item", "o-1", "li-9", "--attr", "qty=1", "--json")
        #expect(missing.status == CLI.ExitCode.rejected, "\(missing)")
        #expect(try missing.errorJSON()["error"]?["code"] == .string("relationship_not_found"))
    }

    @Test func actorAndReasonAreStoredInTheCommit() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1", "--actor", "shop-frontend", "--reason", "checkout")
        let last = try #require(try ledger.logLines().last)
        let commit = try JSONParser.parse(last)
        #expect(commit["actor"] == .string("shop-frontend"))
        #expect(commit["reason"] == .string("checkout"))

        let defaultActor = try #require(try ledger.logLines().first)
        #expect(try JSONParser.parse(defaultActor)["actor"] == .string(CommitMetadata.osUser))
    }
}
