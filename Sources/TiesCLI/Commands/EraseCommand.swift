import TiesCore
import TiesPresentation
import TiesStore

struct EraseCommand: Command {
    static let spec = CommandSpec(
        name: "erase", summary: "erase a record's fields forever (record.erased)",
        arguments: [ArgumentSpec(name: "RECORD", help: "TYPE:ID of an upserted record")],
        options: CommonOptions.oneCommit,
        discussion: """
            Makes every value the record's fields ever held unreadable, in every answer, as-of included,
            while `ties verify` still passes: values are sealed in the log with a key per record, and
            erasure destroys the key. The record's ID and links stay (IDs are keys, not personal data);
            matching no longer finds it, and it takes no new fields. Snapshots taken before the erasure
            hold the values, so they are removed, and the projection is rewritten from its rows (VACUUM:
            about as long as copying it, and twice its size free on disk; if it fails, a warning, and the
            next open tries again), so no page keeps an old copy. Many records erased in one `ties import`
            batch (eraseRecord lines) or one HTTP batch share one rewrite. --reason is required: it is
            the audit trail's why.
            """,
        examples: ["ties erase person:user_123 --reason \"GDPR request 2026-118\""])

    static func run(_ context: Context) throws -> Int32 {
        let record = try context.record(context.arguments.positionals[0])
        guard context.arguments.value("reason") != nil else { throw context.usage("erase needs --reason R (why the record is erased)") }
        let receipt = try commit([.eraseRecord(record)], context)
        guard let result = receipt.results.first, case .erased(_, let changed) = result else { return CLI.ExitCode.ok }
        context.emit(result.jsonValue(seq: receipt.lastSeq),
                     text: changed ? "erased the fields of \(record) (seq \(receipt.lastSeq ?? 0))" : "\(record) was already erased; nothing appended")
        return CLI.ExitCode.ok
    }
}
