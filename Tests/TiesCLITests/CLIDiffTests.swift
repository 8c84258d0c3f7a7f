import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestSupport

@Suite("ties diff, in-process")
struct CLIDiffTests {
    /// After the shop (seqs 1–4): ada places o-1 (web) at 5, it is shipped
    /// at 6, grace places o-2 at 7, ada's o-1 is unlinked at 8.
    private func history(_ ledger: TestLedger) throws {
        _ = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1", "--attr", "channel=web")
        try ledger.succeed("set-attr", "placed/order", "person:ada", "order:o-1", "--attr", "status=shipped")
        try ledger.succeed("link", "placed/order", "person:grace", "order:o-2")
        try ledger.succeed("unlink", "placed/order", "person:ada", "order:o-1")
    }

    @Test func diffPrintsOneLinePerLinkThatDiffers() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try history(ledger)
        #expect(try ledger.succeed("diff", "4", "7").stdout.split(separator: "\n") == [
            "seq 4 → seq 7", #"+ placed person:ada → order:o-1 {"channel":"web","status":"shipped"}"#, "+ placed person:grace → order:o-2 {}",
        ])
        #expect(try ledger.succeed("diff", "5", "6").stdout.split(separator: "\n") == [
            "seq 5 → seq 6", #"~ placed person:ada → order:o-1 {"channel":"web"} → {"channel":"web","status":"shipped"}"#,
        ])
        #expect(try ledger.succeed("diff", "7", "8", "--record", "person:ada").stdout.split(separator: "\n") == [
            "seq 7 → seq 8", #"- placed person:ada → order:o-1 {"channel":"web","status":"shipped"}"#,
        ])
        #expect(try ledger.succeed("diff", "8", "8").stdout.contains("(no differences)"))
        #expect(try ledger.succeed("diff", "4", "8", "--type", "contains/order/line_item").stdout.contains("(no differences)"))
    }

    @Test func diffJSONIsTheHTTPShape() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try history(ledger)
        let json = try ledger.succeedJSON("diff", "6", "8")
        #expect(Set(json.objectValue?.keys.map { $0 } ?? []) == ["fromSeq", "toSeq", "added", "removed", "changed", "next"])
        #expect(json["added"]?[0]?["to"] == .string("order:o-2"))
        #expect(json["removed"]?[0]?["from"] == .string("person:ada"))
        #expect(json["changed"] == .array([]))
        #expect(json["next"] == .null)
    }

    @Test func pagesContinueWithTheCursorPrintedAtTheEnd() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try history(ledger)
        let first = try ledger.succeed("diff", "4", "7", "--limit", "1").stdout
        let more = try #require(first.split(separator: "\n").last { $0.hasPrefix("more: ties diff 4 7 --limit 1 --after ") })
        let second = try ledger.succeed("diff", "4", "7", "--limit", "1", "--after", String(more.split(separator: " ").last!)).stdout
        #expect(second.contains("+ placed person:grace → order:o-2") && !second.contains("more:"))
        #expect(!(try ledger.succeed("diff", "4", "7", "--limit", "1000").stdout.contains("more:")))
    }

    @Test(arguments: [
        (["yesterday", "7"], CLI.ExitCode.usage, nil), (["4"], CLI.ExitCode.usage, nil), (["4", "7", "--limit", "0"], CLI.ExitCode.usage, nil),
        (["4", "7", "--limit", "1001"], CLI.ExitCode.usage, nil), (["4", "7", "--colour", "red"], CLI.ExitCode.usage, nil),
        (["4", "7", "--record", "ada"], CLI.ExitCode.usage, nil), (["4", "7", "--type", "placed"], CLI.ExitCode.usage, nil),
        (["4", "9"], CLI.ExitCode.usage, "invalid_as_of"), (["9", "4"], CLI.ExitCode.usage, "invalid_as_of"),
        (["4", "7", "--after", "d1"], CLI.ExitCode.rejected, "invalid_field"),
        (["4", "7", "--type", "rt_nothere"], CLI.ExitCode.rejected, "unknown_relationship_type"),
        (["4", "7", "--record", "ordr:o-1"], CLI.ExitCode.rejected, "unknown_object_type"),
    ] as [([String], Int32, String?)])
    func diffRefusesBadArguments(arguments: [String], status: Int32, code: String?) throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try history(ledger)
        let run = ledger.ties(["diff", "--json"] + arguments)
        #expect(run.status == status, "\(run)")
        if let code { #expect(try run.errorJSON()["error"]?["code"] == .string(code)) }
    }
}
