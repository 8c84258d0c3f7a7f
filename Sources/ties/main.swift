import TiesCLI
import TiesSystem
import Foundation

CurrentProcess.ignoreBrokenPipes()
// The raw bytes, not `CommandLine.arguments`, which repairs invalid UTF-8.
let status = CLI.run(argumentBytes: Array(CurrentProcess.argumentBytes().dropFirst()),
                     environment: ProcessInfo.processInfo.environment, console: .standard())
CurrentProcess.exit(status)
