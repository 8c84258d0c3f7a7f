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

    // Text for a person is printed line by line, each line through
    // `TerminalText.visible`: a control character inside a line, a line
    // break included, is shown as an escape and never acted on. Only JSON
    // (already escaped) is written as it is.

    /// Prints one line of text to standard output, control characters shown
    /// as escapes; false once the reader has gone away.
    @discardableResult
    public func print(_ line: String) -> Bool { print(lines: [line]) }

    /// Prints lines of text to standard output, each as `print(_:)` does.
    @discardableResult
    public func print(lines: [String]) -> Bool { writeOutput(Self.text(lines)) }

    /// Prints one line of JSON to standard output exactly as given.
    @discardableResult
    public func printJSON(_ line: String) -> Bool { writeOutput(line + "\n") }

    /// Prints one line of text to standard error, control characters shown as escapes.
    public func printError(_ line: String) { printError(lines: [line]) }

    /// Prints lines of text to standard error, each as `printError(_:)` does.
    public func printError(lines: [String]) { _ = writeError(Self.text(lines)) }

    /// Prints one line of JSON to standard error exactly as given.
    public func printErrorJSON(_ line: String) { _ = writeError(line + "\n") }

    private static func text(_ lines: [String]) -> String {
        lines.map { TerminalText.visible($0) + "\n" }.joined()
    }

    /// Rewrites the current progress line on a terminal's standard error.
    func progress(_ line: String) { _ = writeError("\r\u{1B}[2K" + TerminalText.visible(line)) }
}
