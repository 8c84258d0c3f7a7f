import TiesCLI
import TiesStore
import Foundation

ProcessInfoLite.ignoreBrokenPipes()
let status = CLI.run(arguments: Array(CommandLine.arguments.dropFirst()),
                     environment: ProcessInfo.processInfo.environment, console: .standard())
exit(status)
