import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestExpectations
import TiesTestSupport

@Suite("ties read commands, in-process")
struct CLIReadCommandTests {
    /// Links ada → o-1 (seq 5), sets an attribute (seq 6), unlinks (seq 7),
    /// each commit with its own commit time.
    private func orderLifecycle(_ ledger: TestLedger) throws {
        _ = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1", "--attr", "channel=web")
        try waitForTheClockToMoveOn()
        try ledger.succeed("set-attr", "placed/order", "person:ada", "order:o-1", "--attr", "status=shipped")
        try waitForTheClockToMoveOn()
        try ledger.succeed("unlink", "placed/order", "person:ada", "order:o-1", "--actor", "support", "--reason", "ticket 4711")
    }

    /// Returns once the commit clock reads later than now (commit times are
    /// whole milliseconds), so the next commit's time is later than the last one's.
    private func waitForTheClockToMoveOn() throws {
        let now = Ledger.clock()
        try #require(Wait.until(pollMs: 1) { Ledger.clock() > now }, "the clock stood still at \(now)")
    }

    @Test func showListsTheRelationshipsOfNow() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let (placed, _) = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1", "--attr", "channel=web")

        let json = try ledger.succeedJSON("show", "person:ada")
        #expect(json["record"] == .string("person:ada"))
        #expect(json["asOfSeq"] == .int(5))
        #expect(json["asOfTime"]?.stringValue != nil)
        let link = try #require(json["relationships"]?[0])
        #expect(link["relationshipTypeId"] == .string(placed))
        #expect(link["kind"] == .string("person_to_co"))
        #expect(link["role"] == .string("placed"))
        #expect(link["direction"] == .string("forward"))
        #expect(link["from"] == .string("person:ada"))
        #expect(link["to"] == .string("order:o-1"))
        #expect(link["attributes"] == .object(["channel": .string("web")]))
        #expect(link["linkedSeq"] == .int(5))

        let text = try ledger.succeed("show", "person:ada").stdout
        #expect(text.hasPrefix("person:ada — now: state at seq 5"))
        #expect(text.contains("  placed → order:o-1  [\(placed)]  {\"channel\":\"web\"}  since seq 5"))

        let nobody = try ledger.succeed("show", "person:nobody").stdout
        #expect(nobody.contains("(no relationships)"))
    }

    @Test func showAsOfASeqAnswersWithTheStateAfterThatSeq() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try orderLifecycle(ledger)

        #expect(try ledger.succeedJSON("show", "person:ada")["relationships"] == .array([]))

        let linked = try ledger.succeedJSON("show", "person:ada", "--as-of", "5")
        #expect(linked["asOfSeq"] == .int(5))
        #expect(linked["relationships"]?[0]?["attributes"] == .object(["channel": .string("web")]))

        let shipped = try ledger.succeedJSON("show", "person:ada", "--as-of", "6")
        #expect(shipped["relationships"]?[0]?["attributes"] == .object(["channel": .string("web"), "status": .string("shipped")]))
        #expect(shipped["relationships"]?[0]?["versionSeq"] == .int(6))

        let before = try ledger.succeedJSON("show", "person:ada", "--as-of", "4")
        #expect(before["relationships"] == .array([]))
        let beyond = ledger.ties("show", "person:ada", "--as-of", "999")
        #expect(beyond.status == CLI.ExitCode.usage && beyond.stderr.contains("invalid_as_of"), "\(beyond)")

        let text = try ledger.succeed("show", "person:ada", "--as-of", "6").stdout
        #expect(text.hasPrefix("person:ada — as of seq 6: state at seq 6"))
    }

    @Test func showAsOfATimeAnswersWithTheLastCommitAtOrBeforeIt() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try orderLifecycle(ledger)

        let atLink = try #require(try ledger.succeedJSON("show", "person:ada", "--as-of", "5")["asOfTime"]?.stringValue)
        let byTime = try ledger.succeedJSON("show", "person:ada", "--as-of", atLink)
        #expect(byTime["asOfSeq"] == .int(5))
        #expect(byTime["relationships"]?[0]?["to"] == .string("order:o-1"))

        let longAgo = try ledger.succeedJSON("show", "person:ada", "--as-of", "2000-01-01T00:00:00Z")
        #expect(longAgo["asOfSeq"] == .int(0))
        #expect(longAgo["relationships"] == .array([]))

        let farFuture = try ledger.succeedJSON("show", "person:ada", "--as-of", "9999-01-01T00:00:00+02:00")
        #expect(farFuture["asOfSeq"] == .int(7))
        #expect(farFuture["relationships"] == .array([]))
    }

    @Test func inverseLinksFollowTheTypesBidirectionalSettingAsOfEachSeq() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1")
        let changed = try ledger.succeedJSON("register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order",
                                             "--no-bidirectional")
        #expect(changed["created"] == .bool(false))
        #expect(changed["bidirectional"] == .bool(false))
        #expect(changed["seq"] == .int(6))

        #expect(try ledger.succeedJSON("show", "order:o-1")["relationships"] == .array([]))
        let before = try ledger.succeedJSON("show", "order:o-1", "--as-of", "5")
        #expect(before["relationships"]?[0]?["direction"] == .string("inverse"))
        // The person always sees its own links.
        #expect(try ledger.succeedJSON("show", "person:ada")["relationships"]?.arrayValue?.count == 1)
    }

    /// The shop, `owns/order` (not bidirectional, inverse role `owned_by`),
    /// ada placed and owns o-1, grace owns it too, o-1 contains li-1.
    private func ownedShop(_ ledger: TestLedger) throws -> (placed: String, owns: String) {
        let (placed, _) = try ledger.defineShop()
        let owns = try ledger.succeedJSON("register-type", "--kind", "person_to_co", "--role", "owns", "--object-type", "order",
                                          "--inverse-role", "owned_by")
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1")
        try ledger.succeed("link", "owns/order", "person:ada", "order:o-1")
        try ledger.succeed("link", "owns/order", "person:grace", "order:o-1")
        try ledger.succeed("link", "contains/order/line_item", "order:o-1", "line_item:li-1")
        return (placed, try #require(owns["relationshipTypeId"]?.stringValue))
    }

    @Test func showFiltersByDirectionAndTypeAndLabelsLinksFromTheRecordsSide() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let (placed, owns) = try ownedShop(ledger)

        let inbound = try ledger.succeed("show", "order:o-1", "--direction", "inbound").stdout
        #expect(inbound.contains("  placed ← person:ada  [\(placed)]"), "\(inbound)")
        #expect(inbound.contains("  owned_by ← person:ada  [\(owns)]"))
        #expect(inbound.contains("  owned_by ← person:grace  [\(owns)]"))
        #expect(!inbound.contains("contains"))
        let usual = try ledger.succeed("show", "order:o-1").stdout
        #expect(usual.contains("  contains → line_item:li-1") && usual.contains("placed ← person:ada") && !usual.contains("owned_by"), "\(usual)")

        let owned = try ledger.succeedJSON("show", "order:o-1", "--direction", "both", "--type", "owns/order")
        let links = owned["relationships"]?.arrayValue ?? []
        #expect(links.map { $0["label"] } == [.string("owned_by"), .string("owned_by")])
        #expect(links.allSatisfy { $0["relationshipTypeId"] == .string(owns) && $0["direction"] == .string("inverse") && $0["role"] == .string("owns") })
        #expect(try ledger.succeedJSON("show", "order:o-1", "--direction", "both", "--type", owns) == owned)
        let outbound = try ledger.succeedJSON("show", "person:grace", "--direction", "outbound")
        #expect(outbound["relationships"]?[0]?["label"] == .string("owns"))

        let history = try ledger.succeed("history", "order:o-1").stdout
        #expect(history.contains("linked person:grace → order:o-1 [\(owns)]  (owned_by)"), "\(history)")
        #expect(history.contains("linked order:o-1 → line_item:li-1"))
    }

    @Test func showPagesWithLimitAndAfterAndSaysHowToGoOn() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ownedShop(ledger)
        #expect(try ledger.succeedJSON("show", "order:o-1", "--direction", "both")["relationships"]?.arrayValue?.count == 4)
        for limit in 1...5 {
            let whole = try #require(try ledger.succeedJSON("show", "order:o-1", "--direction", "both")["relationships"]?.arrayValue)
            var seen: [JSONValue] = []
            var cursor: String?
            repeat {
                let page = try ledger.succeedJSON(["show", "order:o-1", "--direction", "both", "--limit", "\(limit)"] + (cursor.map { ["--after", $0] } ?? []))
                seen += page["relationships"]?.arrayValue ?? []
                cursor = page["next"]?.stringValue
                if cursor == nil { #expect(page["next"] == .null) }
                // Writes between pages do not shift the listing.
                try ledger.succeed("link", "contains/order/line_item", "order:o-1", "line_item:later-\(limit)-\(seen.count)")
            } while cursor != nil && seen.count <= whole.count
            #expect(seen == whole, "limit \(limit)")
        }
        let text = try ledger.succeed("show", "order:o-1", "--direction", "both", "--limit", "2").stdout
        #expect(text.contains("more: ties show order:o-1 --direction both --limit 2 --after r"), "\(text)")
        let last = try ledger.succeed("show", "order:o-1", "--limit", "1000").stdout
        #expect(!last.contains("more:"))
    }

    @Test(arguments: [
        (["--direction", "sideways"], CLI.ExitCode.usage, nil), (["--limit", "0"], CLI.ExitCode.usage, nil),
        (["--limit", "1001"], CLI.ExitCode.usage, nil), (["--limit", "ten"], CLI.ExitCode.usage, nil),
        (["--type", "placed"], CLI.ExitCode.usage, nil), (["--after", "r1"], CLI.ExitCode.rejected, "invalid_field"),
        (["--type", "rt_nothere"], CLI.ExitCode.rejected, "unknown_relationship_type"),
        (["--type", "placed/ordr"], CLI.ExitCode.rejected, "unknown_object_type"),
    ] as [([String], Int32, String?)])
    func showRefusesBadListOptions(options: [String], status: Int32, code: String?) throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        let run = ledger.ties(["show", "order:o-1", "--json"] + options)
        #expect(run.status == status, "\(run)")
        if let code { #expect(try run.errorJSON()["error"]?["code"] == .string(code)) }
        #expect(try ledger.succeed(["show", "order:o-1", "--limit", "1"]).status == CLI.ExitCode.ok)
        #expect(try ledger.succeed(["show", "order:o-1", "--limit", "1000"]).status == CLI.ExitCode.ok)
    }

    @Test func historyListsTheAuditTrailNewestFirstWithActorAndReason() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try orderLifecycle(ledger)

        let page = try ledger.succeedJSON("history", "person:ada")
        #expect(page["record"] == .string("person:ada"))
        #expect(page["next"] == .null)
        let entries = try #require(page["entries"]?.arrayValue)
        #expect(entries.compactMap { $0["seq"]?.int64Value } == [7, 6, 5])
        #expect(entries.compactMap { $0["event"]?["type"]?.stringValue }
            == ["relationship.unlinked", "relationship.attributesChanged", "relationship.linked"])
        #expect(entries[0]["actor"] == .string("support"))
        #expect(entries[0]["reason"] == .string("ticket 4711"))
        #expect(entries[0]["commitSeq"] == .int(7))
        #expect(entries[0]["at"]?.stringValue != nil)
        #expect(entries[2]["reason"] == .null)

        // The order sees the same trail: both ends of a link are indexed.
        let order = try ledger.succeedJSON("history", "order:o-1")
        #expect(order["entries"]?.arrayValue?.compactMap { $0["seq"]?.int64Value } == [7, 6, 5])

        let text = try ledger.succeed("history", "person:ada").stdout
        #expect(text.contains("by support (via \(CommitMetadata.osUser))  — ticket 4711"), "\(text)")
        #expect(text.contains("unlinked person:ada → order:o-1"))
        #expect(text.contains("attributes of person:ada → order:o-1"))

        let nothing = try ledger.succeed("history", "person:nobody").stdout
        #expect(nothing == "person:nobody: no history\n")
    }

    @Test func historyPagesWithLimitAndAfterCursors() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        for order in 1...5 {
            try ledger.succeed("link", "placed/order", "person:ada", "order:o-\(order)")
        }
        let all = try ledger.succeedJSON("history", "person:ada")["entries"]?.arrayValue?.compactMap { $0["seq"]?.int64Value }
        #expect(all == [9, 8, 7, 6, 5])

        var seen: [Int64] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try ledger.succeedJSON(["history", "person:ada", "--limit", "2"] + (cursor.map { ["--after", $0] } ?? []))
            let seqs = page["entries"]?.arrayValue?.compactMap { $0["seq"]?.int64Value } ?? []
            #expect(!seqs.isEmpty && seqs.count <= 2)
            seen += seqs
            cursor = page["next"]?.stringValue
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        #expect(seen == all)

        let text = try ledger.succeed("history", "person:ada", "--limit", "2").stdout
        #expect(text.contains("older entries: ties history person:ada --after "))

        let badCursor = ledger.ties("history", "person:ada", "--after", "nonsense")
        #expect(badCursor.status == CLI.ExitCode.rejected, "\(badCursor)")
        #expect(badCursor.stderr.contains("invalid_field"))
    }

    @Test func logPrintsEveryCommitAsAChainedJSONLine() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try orderLifecycle(ledger)

        let log = try ledger.succeed("log")
        // Each commit exactly as stored.
        #expect(log.stdout == (try String(contentsOfFile: ledger.logPath, encoding: .utf8)))
        let lines = log.stdoutLines
        #expect(lines.count == 7)
        var previousHash = genesisHash
        var nextSeq: Int64 = 1
        for line in lines {
            let commit = try JSONParser.parse(line)
            let firstSeq = try #require(commit["firstSeq"]?.int64Value)
            let lastSeq = try #require(commit["lastSeq"]?.int64Value)
            #expect(firstSeq == nextSeq)
            #expect(lastSeq >= firstSeq)
            #expect(commit["prev"] == .string(previousHash))
            let hash = try #require(commit["hash"]?.stringValue)
            #expect(hash.count == 64)
            #expect(commit["events"]?.arrayValue?.count == Int(lastSeq - firstSeq + 1))
            previousHash = hash
            nextSeq = lastSeq + 1
        }
        let stats = try ledger.succeedJSON("stats")
        #expect(stats["headHash"] == .string(previousHash))
        #expect(stats["headSeq"] == .int(nextSeq - 1))

        let fromFive = try ledger.succeed("log", "--from", "5").stdoutLines
        #expect(fromFive == Array(lines.dropFirst(4)))
        let pastTheEnd = try ledger.succeed("log", "--from", "100")
        #expect(pastTheEnd.stdout.isEmpty)
    }

    @Test func logFromTheMiddleOfACommitStartsAtThatCommit() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.commitDirectly([Op.define("order"), Op.register(Keys.placed, cardinality: .oneToMany), Op.link(Keys.placed, "ada", "o-1")])
        try ledger.commitDirectly([Op.link(Keys.placed, "bob", "o-2"), Op.link(Keys.placed, "bob", "o-3")])
        let lines = try ledger.logLines()
        try #require(lines.count == 2, "\(lines)")
        #expect(try JSONParser.parse(lines[0])["lastSeq"] == .int(3))
        #expect(try ledger.succeed("log", "--from", "2").stdoutLines == lines)
        #expect(try ledger.succeed("log", "--from", "3").stdoutLines == lines)
        #expect(try ledger.succeed("log", "--from", "5").stdoutLines == [lines[1]])
    }

    @Test func statsCountsWhatTheLedgerHolds() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let empty = try ledger.succeedJSON("stats")
        #expect(empty["headSeq"] == .int(0))
        #expect(empty["headHash"] == .string(genesisHash))
        #expect(empty["commits"] == .int(0))
        #expect(empty["lastCommitAt"] == .null)

        try orderLifecycle(ledger)
        try ledger.succeed("link", "contains/order/line_item", "order:o-1", "line_item:li-1")
        let stats = try ledger.succeedJSON("stats")
        #expect(stats["headSeq"] == .int(8))
        #expect(stats["commits"] == .int(8))
        #expect(stats["objectTypes"] == .int(2))
        #expect(stats["relationshipTypes"] == .int(2))
        #expect(stats["currentLinks"] == .int(1))
        #expect(stats["linkVersions"] == .int(3))
        let logBytes = try FileManager.default.attributesOfItem(atPath: ledger.logPath)[.size] as? Int
        #expect(stats["logBytes"]?.int64Value == logBytes.map(Int64.init))
        #expect((stats["projectionBytes"]?.int64Value ?? 0) > 0)
        #expect(stats["lastCommitAt"]?.stringValue != nil)

        let text = try ledger.succeed("stats").stdout
        #expect(text.contains("head seq           8"))
        #expect(text.contains("current links      1"))
    }

    @Test func demoBuildsALedgerAndToursItsHistory() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.cleanUp() }
        let run = runCLI(["demo"], environment: ["TMPDIR": scratch.path])
        #expect(run.status == CLI.ExitCode.ok, "\(run)")
        #expect(run.stdout.contains("$ ties history person:ada"))
        #expect(run.stdout.contains("unlinked person:ada → order:o-1001"))
        #expect(run.stdout.contains("by support (via \(CommitMetadata.osUser))  — ticket 4711: ordered on Grace's behalf"), "\(run)")
        #expect(run.stdout.contains("placed ← person:grace"))
        // The refused link is part of the tour.
        #expect(run.stderr.contains("cardinality_violation"))
        #expect(!run.stderr.contains("warning"))
    }

    @Test func demoWithALedgerOptionLeavesThatLedgerBehindAndRefusesAnExistingOne() throws {
        let ledger = try TestLedger.make(initialized: false)
        defer { ledger.remove() }
        let run = ledger.ties("demo")
        #expect(run.status == CLI.ExitCode.ok, "\(run)")
        let order = try ledger.succeedJSON("show", "order:o-1001")
        #expect(order["relationships"]?.arrayValue?.compactMap { $0["from"]?.stringValue }.contains("person:grace") == true)

        let again = ledger.ties("demo")
        #expect(again.status == CLI.ExitCode.rejected, "\(again)")
        #expect(again.stderr.contains("ledger_exists"))
    }

    static let commandNames = ["init", "define-type", "register-type", "types", "link", "unlink", "set-attr", "record", "erase", "restore",
                               "import", "show", "diff", "history", "audit", "log", "stats", "snapshot", "snapshots", "verify", "rebuild", "repair", "export", "serve", "ledgers", "keys", "demo"]

    @Test func theCommandTableHasEveryDocumentedCommand() {
        #expect(CLI.commands.map(\.spec.name) == Self.commandNames)
    }

    @Test(arguments: commandNames)
    func helpOnEveryCommandExitsZeroAndShowsItsUsageLine(command: String) throws {
        let spec = try #require(CLI.commands.first { $0.spec.name == command }?.spec)
        #expect(spec.usage.hasPrefix("ties \(command)"))
        for arguments in [[command, "--help"], [command, "-h"], ["help", command], [command, "unexpected", "--help"]] {
            let run = runCLI(arguments)
            #expect(run.status == CLI.ExitCode.ok, "\(run)")
            #expect(run.stdout.hasPrefix("ties \(command) — "))
            #expect(run.stdout.contains("USAGE\n  \(spec.usage)\n"))
            #expect(run.stdout.contains("--help"))
            #expect(run.stderr.isEmpty)
        }
    }

    @Test(arguments: [[], ["help"], ["--help"], ["-h"]])
    func theOverviewListsEveryCommandAndTheExitCodes(arguments: [String]) {
        let run = runCLI(arguments)
        #expect(run.status == CLI.ExitCode.ok, "\(run)")
        #expect(run.stdout.contains("USAGE\n  ties COMMAND [ARGUMENTS] [OPTIONS]"))
        for name in Self.commandNames {
            #expect(run.stdout.contains("\n  \(name) "), "overview lacks \(name)")
        }
        #expect(run.stdout.contains("2 usage error · 3 ledger damaged or unreadable"))
    }
}
