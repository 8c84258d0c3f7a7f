import TiesStore
import TiesSystem

/// Where the CLI writes. The real one goes to stdout/stderr; tests capture.
public final class Console: @unchecked Sendable {
    // @unchecked: only used from the thread that runs the command.
    private let writeOutput: (String) -> Bool
    private let writeError: (String) -> Bool
    public let outputIsTerminal: Bool
    public let errorIsTerminal: Bool
    /// Standard input is a terminal: a person could be asked to confirm.
    public let inputIsTerminal: Bool

    public init(output: @escaping (String) -> Bool, error: @escaping (String) -> Bool, outputIsTerminal: Bool = false,
                errorIsTerminal: Bool = false, inputIsTerminal: Bool = false) {
        writeOutput = output
        writeError = error
        self.outputIsTerminal = outputIsTerminal
        self.errorIsTerminal = errorIsTerminal
        self.inputIsTerminal = inputIsTerminal
    }

    /// The process's standard output and error.
    public static func standard() -> Console {
        Console(output: { StandardStream.output.write($0) }, error: { StandardStream.error.write($0) },
                outputIsTerminal: StandardStream.output.isTerminal, errorIsTerminal: StandardStream.error.isTerminal,
                inputIsTerminal: StandardStream.input.isTerminal)
    }

    /// Prints a line to standard output; false once the reader has gone away.
    @discardableResult
    public func print(_ line: String) -> Bool { writeOutput(line + "\n") }

    public func printError(_ line: String) { _ = writeError(line + "\n") }

    /// Rewrites the current progress line on a terminal's standard error.
    func progress(_ line: String) { _ = writeError("\r\u{1B}[2K" + line) }
}
