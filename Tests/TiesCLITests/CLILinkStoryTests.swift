import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestSupport

/// `ties history TYPE FROM TO`: one link's story.
@Suite("ties history of one link")
struct CLILinkStoryTests {
    @Test func everyVersionWithTheEventsAndWhoMadeThem() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        let (placed, _) = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1", "--attr", "channel=web", "--reason", "checkout")
        try ledger.succeed("unlink", "placed/order", "person:ada", "order:o-1", "--actor", "support", "--reason", "cancelled")
        try ledger.succeed("link", placed, "ada", "o-1")
        let story = try ledger.succeedJSON("history", "placed/order", "person:ada", "order:o-1")
        let versions = try #require(story["versions"]?.arrayValue)
        #expect(versions.map { $0.objectValue?["fromSeq"] } == [.int(5), .int(7)])
        #expect(versions.map { $0.objectValue?["toSeq"] } == [.int(6), .null])
        let ended = try #require(versions[0].objectValue?["events"]?.arrayValue)
        #expect(ended.map { $0.objectValue?["reason"] } == [.string("checkout"), .string("cancelled")])
        #expect(ended.map { $0.objectValue?["actor"] } == [.string(CommitMetadata.osUser), .string("support")])
        let text = try ledger.succeed("history", placed, "ada", "o-1").stdout
        #expect(text.contains("2 versions") && text.contains("by support (via \(CommitMetadata.osUser))  — cancelled"), "\(text)")
        let never = ledger.ties("history", "placed/order", "ada", "o-2")
        #expect(never.status == CLI.ExitCode.rejected && never.stderr.contains("relationship_not_found"), "\(never)")
        #expect(ledger.ties("history", "placed/order", "ada").status == CLI.ExitCode.usage)
        let unknown = ledger.ties("history", "owns/order", "ada", "o-1")
        #expect(unknown.status == CLI.ExitCode.rejected && unknown.stderr.contains("unknown_relationship_type"), "\(unknown)")
    }
}

extension CLILinkStoryTests {
    @Test func restoreLinksAgainWithTheAttributesOfThen() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1", "--attr", "channel=web")
        try ledger.succeed("unlink", "placed/order", "person:ada", "order:o-1", "--reason", "oops")
        let restored = try ledger.succeed("restore", "placed/order", "person:ada", "order:o-1", "--as-of", "5", "--reason", "removed by mistake")
        #expect(restored.stdout.contains("linked person:ada → order:o-1 again"), "\(restored)")
        let shown = try ledger.succeedJSON("show", "person:ada")
        #expect(shown["relationships"]?[0]?["attributes"] == .object(["channel": .string("web")]))
        let already = try ledger.succeed("restore", "placed/order", "person:ada", "order:o-1", "--as-of", "5")
        #expect(already.stdout.contains("already as it was"), "\(already)")
        #expect(ledger.ties("restore", "placed/order", "person:ada", "order:o-1").status == CLI.ExitCode.usage)
        let before = ledger.ties("restore", "placed/order", "person:ada", "order:o-1", "--as-of", "4")
        #expect(before.status == CLI.ExitCode.rejected && before.stderr.contains("relationship_not_found"), "\(before)")
    }
}

extension CLILinkStoryTests {
    @Test func auditFindsWhoChangedWhat() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        _ = try ledger.defineShop()
        try ledger.succeed("link", "placed/order", "person:ada", "order:o-1")
        try ledger.succeed("unlink", "placed/order", "person:ada", "order:o-1", "--actor", "support:ann", "--reason", "asked")
        let found = try ledger.succeedJSON("audit", "--actor", "support:ann", "--op", "unlink", "--type", "placed/order")
        #expect(found["entries"]?.arrayValue?.map { $0.objectValue?["seq"] } == [.int(6)])
        let text = try ledger.succeed("audit", "--record", "person:ada", "--limit", "1").stdout
        #expect(text.contains("by support:ann") && text.contains("older entries: add --after"), "\(text)")
        #expect(ledger.ties("audit", "--op", "delete").status == CLI.ExitCode.usage)
        #expect(ledger.ties("audit", "--since", "yesterday").status == CLI.ExitCode.usage)
        #expect(ledger.ties("audit", "--until", "999").status == CLI.ExitCode.usage)
    }
}
