import Foundation
import Testing
@testable import TiesCLI
import TiesCore
import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

/// What one in-process `ties` run printed and returned.
struct CLIRun: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String

    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }

    /// Standard output as one JSON document (`--json` commands print one line).
    func json() throws -> JSONValue { try JSONParser.parse(stdout) }

    /// Standard error as one JSON document (`--json` errors).
    func errorJSON() throws -> JSONValue { try JSONParser.parse(stderr) }

    var description: String {
        "ties \(arguments.joined(separator: " ")) → exit \(status)\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)"
    }
}

/// Collects what the CLI writes; appended to only from the thread running the command.
final class CapturedText: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var text = ""

    func append(_ chunk: String) -> Bool {
        lock.withLock { text += chunk }
        return true
    }

    var value: String { lock.withLock { text } }
}

/// Runs `ties ARGUMENTS…` in-process with captured output. The environment is
/// exactly `environment`: nothing of the test process's leaks in.
func runCLI(_ arguments: [String], environment: [String: String] = [:]) -> CLIRun {
    let output = CapturedText()
    let error = CapturedText()
    let console = Console(output: output.append, error: error.append)
    let status = CLI.run(arguments: arguments, environment: environment, console: console)
    return CLIRun(arguments: arguments, status: status, stdout: output.value, stderr: error.value)
}

/// A ledger directory inside a temporary directory, driven through `ties … --ledger DIR`.
struct TestLedger {
    let scratch: TemporaryDirectory
    var directory: String { scratch.path + "/ledger" }
    var logPath: String { directory + "/log.jsonl" }
    var projectionFiles: [String] { ["", "-wal", "-shm"].map { directory + "/projection.sqlite" + $0 } }

    /// A new temporary ledger, created with `ties init` unless `initialized` is false.
    static func make(initialized: Bool = true) throws -> TestLedger {
        let ledger = TestLedger(scratch: try TemporaryDirectory("ties-cli-tests-"))
        if initialized {
            let run = ledger.ties("init")
            try #require(run.status == CLI.ExitCode.ok, "\(run)")
        }
        return ledger
    }

    /// `ties COMMAND --ledger DIR ARGUMENTS…`, with `$TMPDIR` inside the
    /// scratch directory. The option goes right after the command so it
    /// cannot become the value of a trailing option or follow a `--`.
    func ties(_ arguments: String...) -> CLIRun { ties(arguments) }

    func ties(_ arguments: [String]) -> CLIRun {
        precondition(!arguments.isEmpty, "name a command")
        return runCLI([arguments[0], "--ledger", directory] + arguments.dropFirst(), environment: ["TMPDIR": scratch.path])
    }

    /// Runs a command that must succeed and returns its output.
    @discardableResult
    func succeed(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIRun {
        try succeed(arguments, sourceLocation: sourceLocation)
    }

    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIRun {
        let run = ties(arguments)
        try #require(run.status == CLI.ExitCode.ok, "\(run)", sourceLocation: sourceLocation)
        return run
    }

    /// Runs a `--json` command that must succeed and returns its parsed output.
    func succeedJSON(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        try succeedJSON(arguments, sourceLocation: sourceLocation)
    }

    func succeedJSON(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        try succeed(arguments + ["--json"], sourceLocation: sourceLocation).json()
    }

    /// The relationship types a typical CRM ledger starts with: `order` and
    /// `line_item`; `placed/order` (person → order, ONE_TO_MANY,
    /// bidirectional) and `contains/order/line_item` (order → line item).
    func defineShop() throws -> (placed: String, contains: String) {
        try succeed("define-type", "order", "--description", "A purchase")
        try succeed("define-type", "line_item")
        let placed = try succeedJSON("register-type", "--kind", "person_to_co", "--role", "placed", "--object-type", "order",
                                     "--cardinality", "ONE_TO_MANY", "--bidirectional")
        let contains = try succeedJSON("register-type", "--kind", "co_to_co", "--role", "contains",
                                       "--parent", "order", "--child", "line_item")
        return (try #require(placed["relationshipTypeId"]?.stringValue), try #require(contains["relationshipTypeId"]?.stringValue))
    }

    /// Every commit line of the log, in order.
    func logLines() throws -> [String] {
        let run = try succeed("log")
        return run.stdoutLines
    }

    /// Opens the ledger through the store (not the CLI) for reading.
    func open(_ access: Ledger.Access = .read) throws -> Ledger {
        try Ledger.open(at: directory, access: access)
    }

    /// Appends `operations` as one commit through the store, then closes
    /// the writer (for multi-event commits and bulk set-up without `import`).
    @discardableResult
    func commitDirectly(_ operations: [TiesCore.Operation], actor: String = "test") throws -> CommitReceipt {
        let writer = try open(.write)
        return try writer.commit(operations, metadata: CommitMetadata(actor: actor))
    }

    /// Removes the scratch directory, recording a failure as an issue.
    func remove(sourceLocation: SourceLocation = #_sourceLocation) { scratch.cleanUp(sourceLocation: sourceLocation) }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
    subscript(_ index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}

/// The genesis `prev` of the first commit.
let genesisHash = String(repeating: "0", count: 64)
