import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesTestExpectations
import TiesTestSupport

// What an attacker who can write to a ledger (over HTTP, or by planting
// files in its directory) can make the command line do: print terminal
// escape sequences, or write through a symbolic link to a file elsewhere.

@Suite("hostile input to the command line")
struct HostileInputTests {
    @Test("A log.jsonl that is a symbolic link to a file outside the ledger is refused (exit 3, naming it) and the file is left untouched")
    func symlinkedLogIsRefused() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.commitDirectly([Op.define("order"), Op.register(Keys.placed)])
        let outside = try ledger.scratch.write("precious.txt", "not a log, and not Ties's to touch\n")
        let before = try Data(contentsOf: URL(fileURLWithPath: outside))
        try FileManager.default.removeItem(atPath: ledger.logPath)
        try FileManager.default.createSymbolicLink(atPath: ledger.logPath, withDestinationPath: outside)
        for file in ledger.projectionFiles where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.removeItem(atPath: file)
        }

        for arguments in [["link", "placed/order", "person:ada", "order:o-1"], ["show", "person:ada"], ["verify"], ["log"]] {
            let run = ledger.ties(arguments)
            #expect(run.status == CLI.ExitCode.damaged, "\(run)")
            #expect(run.stderr.contains("log.jsonl") && run.stderr.contains("symbolic link"), "\(run)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside)) == before)
    }

    @Test("A projection.sqlite that is a symbolic link is refused rather than written through")
    func symlinkedProjectionIsRefused() throws {
        let ledger = try TestLedger.make()
        defer { ledger.remove() }
        try ledger.commitDirectly([Op.define("order")])
        let outside = try ledger.scratch.write("elsewhere.sqlite", "")
        for file in ledger.projectionFiles where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.removeItem(atPath: file)
        }
        try FileManager.default.createSymbolicLink(atPath: ledger.projectionFiles[0], withDestinationPath: outside)

        let run = ledger.ties("define-type", "line_item")
        #expect(run.status == CLI.ExitCode.damaged, "\(run)")
        #expect(run.stderr.contains("projection.sqlite") && run.stderr.contains("symbolic link"), "\(run)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside)).isEmpty)
    }
}
