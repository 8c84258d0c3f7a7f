import TiesCLI
import TiesSystem
import Foundation

CurrentProcess.ignoreBrokenPipes()
let status = CLI.run(arguments: Array(CommandLine.arguments.dropFirst()),
                     environment: ProcessInfo.processInfo.environment, console: .standard())
CurrentProcess.exit(status)
